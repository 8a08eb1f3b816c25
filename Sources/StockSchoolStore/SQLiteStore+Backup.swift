import Foundation
import GRDB
import StockSchoolCore

extension SQLiteStore {
    /// Copies the database page by page into a new file at `destination` with SQLite's online
    /// backup API, inside one read transaction: writers may go on meanwhile and the copy is the
    /// database as of the moment the backup began. The copy is left in rollback-journal mode, one
    /// self-contained file. Returns the census of the copy, so the counts match the file exactly,
    /// after a `quick_check` of the copy: a copy that cannot be read back is an error here.
    public func onlineBackup(to destination: String) async throws -> TableCensus {
        let target = try DatabaseQueue(path: destination)
        try pool.backup(to: target)
        let findings = try await target.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        guard findings == ["ok"] else {
            try? target.close()
            throw StockSchoolError.storeUnavailable(
                url: destination, reason: "the copy fails quick_check: \(findings.joined(separator: "; "))")
        }
        let census = try await TableCensus.take(dialect: .sqlite) { statement in
            try await target.read { db in try Self.run(statement, in: db) }
        }
        try await target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try target.close()
        return census
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
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.writeWithoutTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return false }
            let busy: Int = row[0]
            return busy == 0
        }
    }
}
