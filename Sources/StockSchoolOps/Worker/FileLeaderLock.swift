import Foundation
import StockSchoolStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Leadership for workers sharing a SQLite store: an exclusive `flock` on a file beside the
/// database. The kernel drops the lock when its holder exits, however it exits, as PostgreSQL
/// drops an advisory lock with its session.
public final class FileLeaderLock: LeaderLock {
    public let path: String
    private let descriptor = Mutex<Int32?>(nil)

    public init(path: String) {
        self.path = path
    }

    public func hold() async -> Bool {
        descriptor.withLock { held in
            if held != nil { return true }
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return false }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return false
            }
            held = fd
            return true
        }
    }

    public func release() async {
        descriptor.withLock { held in
            if let fd = held {
                _ = flock(fd, LOCK_UN)
                close(fd)
            }
            held = nil
        }
    }

    deinit {
        descriptor.withLock { held in
            if let fd = held { close(fd) }
        }
    }
}

/// Leadership for the store: a PostgreSQL advisory lock, or a lock file beside a SQLite file.
public enum WorkerLeadership {
    /// The advisory-lock key of the worker's scheduler: any constant unique among StockSchool's
    /// locks (727001 serialises schema changes).
    public static let advisoryKey: Int64 = 727_002

    public static func lock(store: any MarketStore, databaseURL: String) throws -> any LeaderLock {
        if let postgres = store as? PostgresStore { return postgres.advisoryLock(key: advisoryKey) }
        guard case .sqlite(let path) = try StoreURL(databaseURL) else {
            throw WorkflowError("no leader lock for the store at \(store.displayURL)")
        }
        return FileLeaderLock(path: path + ".worker-leader")
    }
}
