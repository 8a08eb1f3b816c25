import Foundation
import Testing

@testable import StockSchoolStore

@Suite struct SQLiteThreadingTests {
    /// Every SQLite connection of the process opens through a store, which switches SQLite to
    /// multi-thread mode first; if something opened a connection earlier the switch would be
    /// refused and every column read would take a mutex again.
    @Test func storesRunSQLiteWithoutPerConnectionMutexes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "threading-\(UUID().uuidString).sqlite"
        )
        .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteStore(path: path)
        #expect(SQLiteThreading.multiThread)
        // Many readers at once on the pool's connections still read correctly.
        try await store.query(SQLStatement("CREATE TABLE t (v INTEGER)"))
        try await store.query(
            SQLStatement(
                "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 1000) INSERT INTO t SELECT v FROM n"
            ))
        try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<16 {
                group.addTask { try await store.query(SQLStatement("SELECT sum(v) FROM t")).first?.first?.int }
            }
            for try await sum in group { #expect(sum == 500_500) }
        }
        try await store.close()
    }
}
