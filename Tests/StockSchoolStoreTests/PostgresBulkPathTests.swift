import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolStore

/// The PostgreSQL bulk path (keys dropped and rebuilt for batches as large as the table) must
/// behave exactly like the row-by-row upsert. The threshold is lowered so small batches take it.
@Suite(.enabled(if: TestBackend.available.contains(.postgres)))
struct PostgresBulkPathTests {
    static func bars(days: ClosedRange<Int>, close: Double) -> [DailyBar] {
        days.flatMap { day in
            (0..<4).map { i in
                DailyBar(
                    tsCode: TSCode(literal: "600000.SH").withSymbol(600_000 + i),
                    tradeDate: TradeDate(unchecked: Int32(2024_01_00 + day)),
                    open: close, high: close + 1, low: close - 1, close: close, preClose: nil, change: nil, pctChg: nil,
                    vol: 1, amount: 1)
            }
        }
    }

    func withBulkStore(_ body: (PostgresStore) async throws -> Void) async throws {
        let test = try await TestStore.make(.postgres)
        do {
            guard case .postgres(let location) = try StoreURL(test.url) else { return }
            let store = try await PostgresStore.connect(location, displayURL: test.url, bulkRebuildThreshold: 8)
            do {
                try await body(store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func indexes(_ store: PostgresStore) async throws -> Set<String> {
        Set(
            try await store.query(SQLStatement("SELECT indexname FROM pg_indexes WHERE tablename = 'stock_daily'"))
                .compactMap { $0.first?.string })
    }

    @Test func intoAnEmptyTableAndOverAnOverlappingOne() async throws {
        try await withBulkStore { store in
            let before = try await indexes(store)
            #expect(before == ["stock_daily_pkey", "idx_stock_daily_ts_code_trade_date"])
            let first = Self.bars(days: 2...5, close: 10)  // 16 rows into an empty table
            try await store.upsert(first)
            #expect(try await store.read(DailyBar.self) == first)
            // 24 rows, half of them replacing existing keys: larger than the table → bulk path.
            let second = Self.bars(days: 4...9, close: 20)
            try await store.upsert(second)
            let all = try await store.read(DailyBar.self)
            #expect(all.count == 8 * 4)
            #expect(all.filter { $0.tradeDate.day <= 3 }.allSatisfy { $0.close == 10 })
            #expect(all.filter { $0.tradeDate.day >= 4 }.allSatisfy { $0.close == 20 })
            #expect(try await indexes(store) == before)
        }
    }

    @Test func aBadValueInAnInitialLoadLeavesTheTableEmptyWithItsKeys() async throws {
        try await withBulkStore { store in
            var batch = Self.bars(days: 2...7, close: 10)
            batch[13].low = .nan
            await #expect(throws: StockSchoolError.self) { try await store.upsert(batch) }
            #expect(try await store.read(DailyBar.self).isEmpty)
            #expect(try await indexes(store) == ["stock_daily_pkey", "idx_stock_daily_ts_code_trade_date"])
            batch[13].low = 9
            try await store.upsert(batch)
            #expect(try await store.read(DailyBar.self).count == batch.count)
        }
    }

    @Test func aDuplicateKeyRollsBackEverything() async throws {
        try await withBulkStore { store in
            let first = Self.bars(days: 2...5, close: 10)
            try await store.upsert(first)
            var batch = Self.bars(days: 2...7, close: 30)
            batch.append(batch[0])
            await #expect(throws: StockSchoolError.self) { try await store.upsert(batch) }
            #expect(try await store.read(DailyBar.self) == first)
            #expect(try await indexes(store) == ["stock_daily_pkey", "idx_stock_daily_ts_code_trade_date"])
        }
    }
}

extension TSCode {
    func withSymbol(_ number: Int) -> TSCode {
        (try? TSCode("\(number).\(exchange.rawValue)")) ?? self
    }
}
