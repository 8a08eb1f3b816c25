import Foundation
import GRDBSQLite
import StockSchoolCore
import Testing

@testable import StockSchoolStore

@Suite struct SQLiteVacuumTests {
    /// A store file as versions before 16 KiB pages made it: 4 KiB pages (fixed by the first
    /// table, before WAL mode), in WAL mode.
    static func makeOldFile(_ path: String) throws {
        // As every store does before it opens a connection: the first connection of the process
        // fixes SQLite's threading mode, and a raw one opened first (tests run in one process,
        // in any order) made SQLiteThreadingTests find serialized mode.
        _ = SQLiteThreading.multiThread
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK,
            sqlite3_exec(
                connection, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (a)", nil, nil, nil)
                == SQLITE_OK
        else { throw StockSchoolError.storeUnavailable(url: path, reason: "cannot make the old file") }
    }

    static func pragma(_ store: SQLiteStore, _ name: String) async throws -> String? {
        try await store.query(SQLStatement("SELECT * FROM pragma_\(name)")).first?.first?.description
    }

    /// Vacuumed as the only connection, an old file moves to 16 KiB pages, keeps every row and
    /// stays in WAL mode. With another connection open it is vacuumed as it is, and the result
    /// says why.
    @Test func vacuumMovesAnOldFileTo16KiBPagesWhenItIsTheOnlyConnection() async throws {
        try await WALCheckpointerTests.withPath { path in
            try Self.makeOldFile(path)
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let code = try TSCode("000001.SZ")
            try await store.upsert(
                (1...28).map { day in
                    DailyBar(
                        tsCode: code, tradeDate: TradeDate(unchecked: Int32(2024_02_00 + day)), open: 10, high: 11,
                        low: 9, close: Double(day), preClose: nil, change: nil, pctChg: nil, vol: 1, amount: 1)
                })
            #expect(try await Self.pragma(store, "page_size") == "4096")

            let other = try SQLiteStore(path: path)
            _ = try await other.query(SQLStatement("SELECT count(*) FROM stock_daily"))
            let kept = try await store.vacuum()
            #expect(kept.contains("pages stay at 4096 bytes: another connection has the store open"), "\(kept)")
            #expect(try await Self.pragma(store, "page_size") == "4096")
            try await other.close()

            #expect(try await store.vacuum() == "ok; pages 4096 → 16384 bytes")
            #expect(try await Self.pragma(store, "page_size") == "16384")
            #expect(try await Self.pragma(store, "journal_mode") == "wal")
            let rows = try await store.query(SQLStatement("SELECT count(*), sum(close) FROM stock_daily")).first
            #expect(rows?[0].int == 28)
            #expect(rows?[1].doubleValue == 406)  // 1 + 2 + … + 28
            #expect(try await store.query(SQLStatement("PRAGMA integrity_check")).first?.first?.string == "ok")
            // Vacuuming again has nothing to move.
            #expect(try await store.vacuum() == "ok")
            try await store.close()
        }
    }
}
