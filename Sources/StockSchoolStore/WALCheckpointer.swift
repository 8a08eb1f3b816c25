import Foundation
import GRDBSQLite
import Synchronization

/// Copies a store's write-ahead log into its database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that leaves 1,000 or more pages in the
/// log, so the writer of a bulk load waited for the whole copy and its `fsync` (about 0.25 s of
/// a 1.15M-row load here). With this hook on the writer, the commit only asks; a passive
/// checkpoint on a second connection copies the pages while the writer goes on, the pattern
/// SQLite's WAL documentation gives for taking checkpoints off the writer's thread. Installing
/// the hook replaces the automatic checkpoint, so the threshold stays SQLite's.
///
/// A passive checkpoint never blocks the writer or readers; frames a reader still needs stay in
/// the log until a later checkpoint, as with the automatic one. A checkpoint that fails (a busy
/// database, a full disk) is retried by the next commit's request.
final class WALCheckpointer: @unchecked Sendable {
    /// Log pages after a commit that start a checkpoint: SQLite's own default.
    static let threshold: Int32 = 1000

    private let path: String
    private let queue = DispatchQueue(label: "stockschool.sqlite.checkpoint")
    private let id: Int
    private let flags = Mutex(Flags())
    /// Used only on `queue`.
    private var connection: OpaquePointer?

    private struct Flags {
        var scheduled = false
        var closed = false
    }

    init(path: String) {
        self.path = path
        self.id = Self.nextID.add(1, ordering: .relaxed).newValue
        Self.registry.withLock { $0[id] = self }
    }

    /// Installs the hook on `connection`; commits on it then ask this checkpointer. The hook
    /// finds the checkpointer by number, so a commit after `close()` is a no-op, not a dangling
    /// pointer.
    func install(on connection: OpaquePointer) {
        sqlite3_wal_hook(connection, walHook, UnsafeMutableRawPointer(bitPattern: id))
    }

    /// Schedules one passive checkpoint unless one is already waiting to run.
    func request() {
        let schedule = flags.withLock { flags in
            guard !flags.scheduled, !flags.closed else { return false }
            flags.scheduled = true
            return true
        }
        guard schedule else { return }
        queue.async { [self] in
            flags.withLock { $0.scheduled = false }
            checkpoint()
        }
    }

    /// Returns when every checkpoint asked for so far has run.
    func idle() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { done.resume() }
        }
    }

    /// Stops taking requests, waits for a running checkpoint and closes the connection. The
    /// store's own connections close after this; `finish(path:)` then copies what is left.
    func close() {
        flags.withLock { $0.closed = true }
        _ = Self.registry.withLock { $0.removeValue(forKey: id) }
        queue.sync {
            if let connection { sqlite3_close_v2(connection) }
            connection = nil
        }
    }

    /// The last step of closing a store: copies the log into the file and removes it.
    ///
    /// GRDB closes its writer before its read-only readers, and a read-only connection that
    /// closes last cannot checkpoint, so the log stayed beside the file after every run, holding
    /// commits that a copy of the file alone would miss. A read-write connection that reads (so
    /// opens the log) and then closes as the last one does what SQLite's last close does: a
    /// full checkpoint, then the log and shared-memory files are deleted. While another process
    /// has the store open, this is a no-op, and that process's last close does it.
    static func finish(path: String) {
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK
        else { return }
        sqlite3_exec(connection, "PRAGMA synchronous = NORMAL; SELECT 1 FROM sqlite_schema LIMIT 1", nil, nil, nil)
    }

    private func checkpoint() {
        if flags.withLock({ $0.closed }) { return }
        if connection == nil {
            var opened: OpaquePointer?
            let rc = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
            guard rc == SQLITE_OK, let opened else {
                sqlite3_close_v2(opened)
                return
            }
            // The copy syncs the log before and the file after, as the automatic checkpoint does.
            sqlite3_exec(opened, "PRAGMA synchronous = NORMAL", nil, nil, nil)
            connection = opened
        }
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    /// The open checkpointers by number: what the hook's context names.
    private static let registry = Mutex([Int: WALCheckpointer]())
    private static let nextID = Atomic(0)

    fileprivate static func live(_ id: Int) -> WALCheckpointer? {
        registry.withLock { $0[id] }
    }
}

/// SQLite calls this on the committing thread after each commit, with the log's page count.
private let walHook: WALHook = { context, _, _, pages in
    if pages >= WALCheckpointer.threshold, let checkpointer = WALCheckpointer.live(Int(bitPattern: context)) {
        checkpointer.request()
    }
    return SQLITE_OK
}

/// `sqlite3_wal_hook`'s callback: context, connection, database name, pages in the log.
private typealias WALHook =
    @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) ->
    Int32
