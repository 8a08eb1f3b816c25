import Foundation
import GRDB
import StockSchoolCore

extension SQLiteStore {
    /// Copies the database page by page into a new file at `destination` with SQLite's online
    /// backup API, inside one read transaction: writers may go on meanwhile and the copy is the
    /// database as of the moment the backup began. The copy is left in rollback-journal mode, one
    /// self-contained file. Returns the census of the copy, so the counts match the file exactly.
    public func onlineBackup(to destination: String) async throws -> TableCensus {
        _ = SQLiteThreading.multiThread
        let target = try DatabaseQueue(path: destination)
        try pool.backup(to: target)
        let census = try await TableCensus.take(dialect: .sqlite) { statement in
            try await target.read { db in try Self.run(statement, in: db) }
        }
        try await target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try target.close()
        return census
    }

    /// The census of the SQLite file at `path`, opened read-only: nothing is written to it, not
    /// even a journal, so a backup's copy can be counted in place.
    public static func census(readOnly path: String) async throws -> TableCensus {
        var configuration = Configuration()
        configuration.readonly = true
        _ = SQLiteThreading.multiThread
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        do {
            let census = try await TableCensus.take(dialect: .sqlite) { statement in
                try await queue.read { db in try Self.run(statement, in: db) }
            }
            try queue.close()
            return census
        } catch {
            try? queue.close()
            throw error
        }
    }

    /// `PRAGMA integrity_check` on this store: `nil` when it answers "ok", else its first findings.
    public func integrityProblems() async throws -> String? {
        let rows = try await pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check(20)")
        }
        return rows == ["ok"] ? nil : rows.joined(separator: "; ")
    }

    /// Checkpoints the write-ahead log into the main file and truncates it. Returns `false` when
    /// another connection's read or write prevented a full checkpoint: someone is using the store.
    public static func checkpointForReplacement(path: String) throws -> Bool {
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        _ = SQLiteThreading.multiThread
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.writeWithoutTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return false }
            let busy: Int = row[0]
            return busy == 0
        }
    }
}
