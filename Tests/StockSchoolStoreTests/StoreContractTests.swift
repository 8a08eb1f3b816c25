import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolStore

/// The contract every `MarketStore` keeps, run against SQLite and PostgreSQL alike.
@Suite struct StoreContractTests {
    static let pf = TSCode(literal: "600000.SH")
    static let cyb = TSCode(literal: "300750.SZ")
    static let d1 = TradeDate(unchecked: 2024_01_02)
    static let d2 = TradeDate(unchecked: 2024_01_03)
    static let d3 = TradeDate(unchecked: 2024_01_04)

    static func bar(_ code: TSCode, _ date: TradeDate, close: Double, preClose: Double? = nil) -> DailyBar {
        DailyBar(
            tsCode: code, tradeDate: date, open: close - 0.1, high: close + 0.2, low: close - 0.3, close: close,
            preClose: preClose, change: preClose.map { close - $0 }, pctChg: nil, vol: 1000, amount: close * 100)
    }

    static let bars: [DailyBar] = [
        bar(pf, d1, close: 10.00), bar(pf, d2, close: 10.50, preClose: 10.00),
        bar(pf, d3, close: 10.20, preClose: 10.50),
        bar(cyb, d1, close: 150.00), bar(cyb, d3, close: 160.00, preClose: 150.00),  // suspended on d2
    ]

    @Test(arguments: TestBackend.available)
    func migratesFromEmptyAndRerunsAsANoOp(_ backend: TestBackend) async throws {
        try await TestStore.with(backend, migrate: false) { (store: any MarketStore) async throws in
            #expect(try await store.migrate() == [1, 2, 3, 4, 5, 6, 7])
            #expect(try await store.migrate() == [])
            #expect(try await store.appliedMigrations() == [1, 2, 3, 4, 5, 6, 7])
            let stats = try await store.stats()
            #expect(stats.map(\.table) == Schema.tables.map(\.name))
            #expect(stats.first { $0.table == "schema_migrations" }?.rows == 7)
            #expect(stats.filter { $0.table != "schema_migrations" }.allSatisfy { $0.rows == 0 })
        }
    }

    /// A store at version 6 (as every earlier release left it, with `factor_ic`'s `trade_date`
    /// index) loses that index to migration 7 alone and keeps its rows; a new store never keeps it.
    @Test(arguments: TestBackend.available)
    func migrationSevenDropsFactorICsDateIndexAndKeepsTheRows(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let indexCount = SQLStatement(
                store.dialect == .sqlite
                    ? "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_factor_ic_trade_date'"
                    : "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_factor_ic_trade_date'")
            #expect(try await store.query(indexCount).first?.first?.int == 0)
            try await store.execute(atomically: [
                SQLStatement(Schema.factorICTradeDateIndex),
                SQLStatement("DELETE FROM schema_migrations WHERE version = 7"),
                SQLStatement(
                    "INSERT INTO factor_ic (factor, convention, horizon, trade_date, ic, rank_ic, n, excluded) VALUES ('ROC5', 'next', 5, 20240102, 0.05, 0.04, 800, 3)"
                ),
            ])
            #expect(try await store.query(indexCount).first?.first?.int == 1)
            #expect(try await store.migrate() == [7])
            #expect(try await store.query(indexCount).first?.first?.int == 0)
            let row = try await store.query(SQLStatement("SELECT factor, horizon, trade_date, n FROM factor_ic"))
            #expect(row == [[.text("ROC5"), .integer(5), .integer(20240102), .integer(800)]])
        }
    }

    /// A store created before index constituents existed gains `index_weight` from migration 3
    /// alone, and the table keeps snapshots by index, date and constituent.
    @Test(arguments: TestBackend.available)
    func migrationThreeAddsIndexConstituentsToAVersionTwoStore(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars)
            // Back to version 2: as a store migrated by the previous release.
            try await store.execute(atomically: [
                SQLStatement("DROP TABLE index_weight"),
                SQLStatement("DELETE FROM schema_migrations WHERE version = 3"),
            ])
            #expect(try await store.tableExists("index_weight") == false)
            #expect(try await store.migrate() == [3])
            #expect(Migration.all.first { $0.version == 3 }?.name == "index constituents")
            #expect(try await store.tableExists("index_weight"))
            // Existing rows are untouched.
            #expect(try await store.read(DailyBar.self).count == Self.bars.count)

            let index = TSCode(literal: "000300.SH")
            let rows = [
                IndexWeight(indexCode: index, conCode: Self.pf, tradeDate: Self.d1, weight: 0.8123),
                IndexWeight(indexCode: index, conCode: Self.cyb, tradeDate: Self.d1, weight: nil),
                IndexWeight(indexCode: index, conCode: Self.pf, tradeDate: Self.d3, weight: 0.8),
            ]
            try await store.upsert(rows)
            try await store.upsert([IndexWeight(indexCode: index, conCode: Self.pf, tradeDate: Self.d3, weight: 0.9)])
            let stored = try await store.read(IndexWeight.self)
            // Key order (index_code, trade_date, con_code); the upsert replaced the weight.
            #expect(stored.map(\.conCode) == [Self.cyb, Self.pf, Self.pf])
            #expect(stored.map(\.weight) == [nil, 0.8123, 0.9])
            // By constituent (the con_code index), and by date.
            #expect(try await store.read(IndexWeight.self, RecordFilter(tsCode: Self.pf)).count == 2)
            #expect(try await store.read(IndexWeight.self, .crossSection(Self.d3)).count == 1)
            await #expect(throws: StockSchoolError.self) {
                try await store.upsert([
                    IndexWeight(indexCode: index, conCode: Self.pf, tradeDate: Self.d2, weight: .infinity)
                ])
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func refusesAStoreFromANewerSchema(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.query(
                SQLStatement(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00Z')"
                ))
            await #expect(throws: StockSchoolError.self) { try await store.migrate() }
        }
    }

    @Test(arguments: TestBackend.available)
    func roundTripsBarsByStockAndByDate(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars)
            let pf = try await store.read(DailyBar.self, RecordFilter(tsCode: Self.pf, start: Self.d1, end: Self.d3))
            #expect(pf == Array(Self.bars[0..<3]))
            let ranged = try await store.read(
                DailyBar.self, RecordFilter(tsCode: Self.cyb, start: Self.d2, end: Self.d3))
            #expect(ranged == [Self.bars[4]])
            let section = try await store.read(DailyBar.self, .crossSection(Self.d2))
            #expect(section == [Self.bars[1]])
            let first = try await store.read(DailyBar.self, .crossSection(Self.d1))
            // Key order (trade_date, ts_code): 300750.SZ before 600000.SH.
            #expect(first.map(\.tsCode) == [Self.cyb, Self.pf])
            #expect(first.first?.preClose == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func upsertIsIdempotentAndReplacesByKey(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars)
            try await store.upsert(Self.bars)
            #expect(try await store.stats().first { $0.table == "stock_daily" }?.rows == 5)
            #expect(
                try await store.read(DailyBar.self)
                    == Self.bars.sorted { ($0.tradeDate, $0.tsCode) < ($1.tradeDate, $1.tsCode) })
            var corrected = Self.bars[1]
            corrected.close = 10.55
            try await store.upsert([corrected])
            let row = try await store.read(DailyBar.self, RecordFilter(tsCode: Self.pf, start: Self.d2, end: Self.d2))
            #expect(row.first?.close == 10.55)
            #expect(try await store.stats().first { $0.table == "stock_daily" }?.rows == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func nanInANotNullColumnRejectsTheWholeBatch(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            var bad = Self.bars
            bad[3].close = .nan
            let checkpoint = SyncCheckpoint(
                source: "test", dataset: "daily", tradeDate: Self.d1, rows: 5, runID: nil, completedAt: .now)
            await #expect(
                throws: StockSchoolError.invalidValue(
                    table: "stock_daily", column: "close", row: "300750.SZ 20240102", reason: "NaN in a NOT NULL column"
                )
            ) {
                try await store.upsert(bad, checkpoints: [checkpoint])
            }
            #expect(try await store.read(DailyBar.self).isEmpty)
            #expect(try await store.read(SyncCheckpoint.self).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func infinityAndMissingRequiredValuesAreRejected(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            var infinite = Self.bars[0]
            infinite.high = .infinity
            await #expect(throws: StockSchoolError.self) { try await store.upsert([infinite]) }
            let factor = AdjFactor(tsCode: Self.pf, tradeDate: Self.d1, adjFactor: .nan)
            await #expect(throws: StockSchoolError.self) { try await store.upsert([factor]) }
            #expect(try await store.read(DailyBar.self).isEmpty)
            #expect(try await store.read(AdjFactor.self).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func nanInANullableColumnIsStoredAsMissing(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            var basic = DailyBasic(tsCode: Self.pf, tradeDate: Self.d1)
            basic.peTtm = .nan
            basic.pb = 0.45
            try await store.upsert([basic])
            let read = try await store.read(DailyBasic.self)
            #expect(read.first?.peTtm == nil)
            #expect(read.first?.pb == 0.45)
        }
    }

    @Test(arguments: TestBackend.available)
    func theDatabaseRejectsImpossibleDatesAndReadsRejectBadCodes(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            await #expect(throws: (any Error).self) {
                try await store.query(
                    SQLStatement(
                        "INSERT INTO adj_factor (ts_code, trade_date, adj_factor) VALUES ('600000.SH', 20241345, 1.0)"))
            }
            // A row written by another tool with a malformed code is reported, not passed on.
            try await store.query(
                SQLStatement(
                    "INSERT INTO adj_factor (ts_code, trade_date, adj_factor) VALUES ('600000.sh', 20240102, 1.0)"))
            await #expect(throws: StockSchoolError.invalidTSCode("600000.sh")) {
                try await store.read(AdjFactor.self)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func everyRecordTypeRoundTrips(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            var basic = StockBasic(
                tsCode: Self.pf, name: "浦发银行", listStatus: .L, listDate: TradeDate(unchecked: 1999_11_10))
            basic.industry = "银行"
            basic.fullname = "上海浦东发展银行股份有限公司\twith\\odd\ncharacters"
            var delisted = StockBasic(
                tsCode: try TSCode("600087.SH"), name: "退市长油", listStatus: .D,
                listDate: TradeDate(unchecked: 1997_06_12),
                delistDate: TradeDate(unchecked: 2014_06_05))
            delisted.area = nil
            try await store.upsert([basic, delisted])
            #expect(try await store.read(StockBasic.self) == [basic, delisted])

            let cal = [
                TradeCalDay(
                    exchange: "SSE", calDate: Self.d1, isOpen: true, pretradeDate: TradeDate(unchecked: 2023_12_29)),
                TradeCalDay(
                    exchange: "SSE", calDate: TradeDate(unchecked: 2024_01_06), isOpen: false, pretradeDate: Self.d1),
            ]
            try await store.upsert(cal)
            #expect(try await store.read(TradeCalDay.self) == cal)

            let index = [IndexDailyBar(Self.bar(try TSCode("000300.SH"), Self.d1, close: 3386.35, preClose: 3431.11))]
            try await store.upsert(index)
            #expect(try await store.read(IndexDailyBar.self) == index)

            let report = QualityReport(
                dataset: "daily", tradeDate: Self.d1, score: 0.75, rows: 10, expected: 12, findings: "[]", runID: 3,
                checkedAt: Timestamp(secondsSinceEpoch: 1_700_000_000.5))
            try await store.upsert([report])
            #expect(try await store.read(QualityReport.self) == [report])
        }
    }

    @Test(arguments: TestBackend.available)
    func checkpointsCommitWithTheirRows(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let stamp = Timestamp(secondsSinceEpoch: 1_700_000_000)
            let checkpoint = SyncCheckpoint(
                source: "sample", dataset: "daily", tradeDate: Self.d1, rows: 2, runID: 1, completedAt: stamp)
            try await store.upsert(Array(Self.bars.filter { $0.tradeDate == Self.d1 }), checkpoints: [checkpoint])
            #expect(try await store.read(SyncCheckpoint.self) == [checkpoint])
            #expect(try await store.completedDates(source: "sample", dataset: "daily") == [Self.d1])
            #expect(try await store.completedDates(source: "tushare", dataset: "daily").isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func atomicStatementListsRollBackTogether(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            await #expect(throws: (any Error).self) {
                try await store.execute(atomically: [
                    SQLStatement(
                        "INSERT INTO adj_factor (ts_code, trade_date, adj_factor) VALUES (?, ?, ?)",
                        [.text("600000.SH"), .integer(20240102), .double(1.5)]),
                    SQLStatement("INSERT INTO no_such_table VALUES (1)"),
                ])
            }
            #expect(try await store.read(AdjFactor.self).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func panelPlacesValuesAndMarksMissingAsNaN(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars)
            let panel = try await store.panel(
                PanelRequest(fields: ["close", "pre_close"], start: Self.d1, end: Self.d3))
            #expect(panel.tsCodes == [Self.cyb, Self.pf])
            #expect(panel.dates == [Self.d1, Self.d2, Self.d3])
            #expect(panel.rowCount == 5)
            // Stock-major: stock 0 = 300750.SZ, suspended on d2.
            let close = panel.values[0]
            #expect(close[0] == 150.00)
            #expect(close[1].isNaN)
            #expect(close[2] == 160.00)
            #expect(Array(close[3...]) == [10.00, 10.50, 10.20])
            #expect(panel.values[1][3].isNaN)  // pre_close NULL → NaN
            #expect(panel.value(field: "pre_close", tsCode: Self.pf, date: Self.d3) == 10.50)

            let one = try await store.panel(
                PanelRequest(fields: ["close"], start: Self.d2, end: Self.d3, tsCodes: [Self.pf]))
            #expect(one.tsCodes == [Self.pf])
            #expect(one.values[0] == [10.50, 10.20])
        }
    }

    /// A range long enough to be read in parts (SQLite reads date spans side by side): stocks that
    /// exist in only one span, and a stock whose code sorts first but appears last, land in the
    /// same cells as when read whole; every cell matches the rows written.
    @Test(arguments: TestBackend.available)
    func aLongPanelReadInPartsPlacesEveryRow(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let early = TSCode(literal: "600001.SH")  // delisted mid-2023
            let late = TSCode(literal: "000001.SZ")  // listed in 2024, first by code
            let start = TradeDate(unchecked: 2023_01_02)
            // Every third weekday for two years: ~170 dates, spread over the whole range.
            var dates: [TradeDate] = []
            var day = start
            while day.rawValue <= 2024_12_31 {
                if !day.isWeekend { dates.append(day) }
                day = day.addingDays(3)
            }
            func close(_ stock: Int, _ d: Int) -> Double { Double(100 * (stock + 1)) + Double(d) / 100 }
            var bars: [DailyBar] = []
            for (d, date) in dates.enumerated() {
                bars.append(Self.bar(Self.pf, date, close: close(0, d)))
                if date.rawValue < 2023_07_01 { bars.append(Self.bar(early, date, close: close(1, d))) }
                if date.rawValue >= 2024_01_01 { bars.append(Self.bar(late, date, close: close(2, d))) }
            }
            try await store.upsert(bars)
            let panel = try await store.panel(
                PanelRequest(fields: ["close", "amount"], start: start, end: TradeDate(unchecked: 2024_12_31)))
            #expect(panel.tsCodes == [late, Self.pf, early])
            #expect(panel.dates == dates)
            #expect(panel.rowCount == bars.count)
            let stockOf = [late: 2, Self.pf: 0, early: 1]
            for (s, code) in panel.tsCodes.enumerated() {
                for (d, date) in dates.enumerated() {
                    let present =
                        code == Self.pf || (code == early && date.rawValue < 2023_07_01)
                        || (code == late && date.rawValue >= 2024_01_01)
                    let value = panel.values[0][s * dates.count + d]
                    if present {
                        #expect(value == close(stockOf[code] ?? -1, d), "\(code) \(date)")
                        #expect(panel.values[1][s * dates.count + d] == value * 100)
                    } else {
                        #expect(value.isNaN, "\(code) \(date)")
                    }
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func panelRejectsUnknownFieldsAndTables(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            await #expect(throws: StockSchoolError.self) {
                try await store.panel(PanelRequest(fields: ["clsoe"], start: Self.d1, end: Self.d3))
            }
            await #expect(throws: StockSchoolError.self) {
                try await store.panel(PanelRequest(table: "sync_runs", fields: ["rows"], start: Self.d1, end: Self.d3))
            }
            await #expect(throws: StockSchoolError.invalidDateRange(start: Self.d3, end: Self.d1)) {
                try await store.panel(PanelRequest(fields: ["close"], start: Self.d3, end: Self.d1))
            }
        }
    }

    @Test func sqliteServesPerStockReadsBySkipScanWithoutASecondIndex() async throws {
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            let plan = try await store.query(
                SQLStatement(
                    "EXPLAIN QUERY PLAN SELECT * FROM stock_daily WHERE ts_code = ? AND trade_date BETWEEN ? AND ?",
                    [.text("600000.SH"), .integer(20240101), .integer(20241231)]))
            let text = plan.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "\n")
            #expect(text.contains("ANY(trade_date) AND ts_code=?"), "\(text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func statsReportRowsAndCoverage(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await store.upsert(Self.bars)
            let daily = try #require(try await store.stats().first { $0.table == "stock_daily" })
            #expect(daily == TableStats(table: "stock_daily", rows: 5, firstDate: Self.d1, lastDate: Self.d3, dates: 3))
        }
    }

    @Test(arguments: TestBackend.available)
    func syncRunsRecordStartAndOutcome(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let first = try await store.startSyncRun(source: "sample", datasets: ["daily", "adj_factor"])
            let second = try await store.startSyncRun(source: "sample", datasets: ["daily"])
            #expect(second > first)
            var outcome = SyncRunOutcome(id: first, status: .partial)
            outcome.calls = 7
            outcome.rows = 1234
            outcome.skipped = ["daily_basic"]
            outcome.message = "no permission for daily_basic"
            try await store.finishSyncRun(outcome)
            let rows = try await store.query(
                SQLStatement(
                    "SELECT status, calls, rows, skipped, message, finished_at IS NOT NULL FROM sync_runs WHERE id = ?",
                    [.integer(first)]))
            #expect(rows.first?[0] == .text("partial"))
            #expect(rows.first?[1].int == 7)
            #expect(rows.first?[2].int == 1234)
            #expect(rows.first?[3] == .text("daily_basic"))
            #expect(rows.first?[4] == .text("no permission for daily_basic"))
            #expect(rows.first?[5].int == 1)
        }
    }
}
