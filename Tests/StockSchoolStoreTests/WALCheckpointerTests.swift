import Foundation
import StockSchoolCore
import Testing

@testable import StockSchoolStore

@Suite struct WALCheckpointerTests {
    /// A temporary store path, removed with its log and shared-memory files afterwards.
    static func withPath(_ body: (String) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await body(path)
    }

    /// 5,000 stocks × `days` of bars: about 1,000 16 KiB log pages per 140,000 rows.
    static func bars(days: Int) throws -> [DailyBar] {
        let codes = try (0..<5_000).map { try TSCode(String(format: "%06d.SZ", $0)) }
        return (0..<days).flatMap { day in
            (0..<5_000).map { stock in
                let price = 10 + Double(stock % 97) / 10
                return DailyBar(
                    tsCode: codes[stock],
                    tradeDate: TradeDate(unchecked: Int32(2024_01_01 + day / 28 * 100 + day % 28)),
                    open: price, high: price + 1, low: price - 1, close: price + 0.5, preClose: price, change: 0.5,
                    pctChg: 5, vol: Double(stock * 100 + day), amount: Double(stock) * 1_000.25)
            }
        }
    }

    static func fileSize(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    static func pageCount(_ store: SQLiteStore) async throws -> Int64 {
        try await store.query(SQLStatement("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"))
            .first?.first?.int ?? -1
    }

    @Test func aNewStoreUses16KiBPages() async throws {
        try await Self.withPath { path in
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let size = try await store.query(SQLStatement("PRAGMA page_size")).first?.first?.int
            #expect(size == 16_384)
            try await store.close()
        }
    }

    /// The commit does not copy the log itself: with the checkpointer closed first, a load of
    /// more than 1,000 log pages stays in the log (SQLite's automatic checkpoint would have
    /// copied it into the file during the commit).
    @Test func aCommitLeavesTheLogToTheCheckpointer() async throws {
        try await Self.withPath { path in
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let before = try Self.fileSize(path)
            store.checkpointer.close()
            try await store.upsert(try Self.bars(days: 40))
            #expect(try Self.fileSize(path + "-wal") > 1_000 * 16_384)
            #expect(try Self.fileSize(path) == before)
            try await store.close()
        }
    }

    /// After a load of more than 1,000 log pages, the checkpointer copies the log into the
    /// database file on its own connection: the file then holds every page of the database.
    @Test func theCheckpointerCopiesALargeCommitIntoTheFile() async throws {
        try await Self.withPath { path in
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let bars = try Self.bars(days: 40)
            try await store.upsert(bars)
            await store.checkpointer.idle()
            let database = try await Self.pageCount(store)
            #expect(database > 1_000 * 16_384)
            #expect(try Self.fileSize(path) == Int(database))
            // A reader still sees every row.
            let count = try await store.query(SQLStatement("SELECT count(*) FROM stock_daily")).first?.first?.int
            #expect(count == Int64(bars.count))
            try await store.close()
        }
    }

    /// A closed store is its file alone: the log is copied in and removed, so a copy of the file
    /// (what a user backs up after stopping the server) holds every commit. A commit below the
    /// checkpoint threshold stays in the log until then, and a store is closed after reads too
    /// (GRDB's read-only readers close last).
    @Test func closingCopiesTheLogIntoTheFileAndRemovesIt() async throws {
        try await Self.withPath { path in
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let bars = Array(try Self.bars(days: 1).prefix(300))
            try await store.upsert(bars)
            #expect(try Self.fileSize(path + "-wal") > 0)
            _ = try await store.query(SQLStatement("SELECT count(*) FROM stock_daily"))
            try await store.close()
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(!FileManager.default.fileExists(atPath: path + "-shm"))

            let copy = path + ".copy"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            let reopened = try SQLiteStore(path: copy)
            let count = try await reopened.query(SQLStatement("SELECT count(*) FROM stock_daily")).first?.first?.int
            #expect(count == Int64(bars.count))
            try await reopened.close()
        }
    }
}
