import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolSync

@Suite struct SyncEngineTests {
    static let configuration = SampleMarketConfiguration(
        stocks: 25, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_03_29), seed: 11)

    static func request(_ full: Bool = false) -> SyncRequest {
        SyncRequest(start: configuration.start, end: configuration.end, full: full)
    }

    @Test(arguments: TestBackend.available)
    func syncLoadsTheWholeMarketWithOneCheckpointPerUnit(_ backend: TestBackend) async throws {
        let source = try SampleSource(Self.configuration)
        let market = source.market
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let report = try await SyncEngine(source: source, store: store).run(Self.request())
            let days = market.calendar.count
            // index_weight: one call per month (January–March) and the look-back December.
            #expect(report.units == 3 * days + 1 + 4)
            #expect(report.rowsByDataset["daily"] == market.rowCounts.daily)
            #expect(report.rowsByDataset["adj_factor"] == market.rowCounts.adjFactor)
            #expect(report.rowsByDataset["daily_basic"] == market.rowCounts.dailyBasic)
            let snapshot = try await StoreSnapshot(store)
            #expect(snapshot.daily.count == market.rowCounts.daily)
            #expect(snapshot.stocks == market.stockBasic)
            #expect(snapshot.index.count == days)
            let weights = market.indexWeight(start: market.configuration.start, end: market.configuration.end)
            #expect(!weights.isEmpty)
            #expect(snapshot.indexWeights == weights)
            #expect(report.rowsByDataset["index_weight"] == weights.count)
            // One checkpoint per per-date dataset per open day, plus index_daily and index_weight
            // per day, plus the two reference datasets.
            #expect(try await store.read(SyncCheckpoint.self).count == 5 * days + 2)
            // The simulated market obeys the rules the quality check enforces.
            // One quality report per per-date dataset per open day, plus one for trade_cal.
            #expect(report.qualityReports == 3 * days + 1)
            #expect(report.worstQuality == 1.0)
            #expect(try await store.read(QualityReport.self).count == 3 * days + 1)

            let again = try await SyncEngine(source: source, store: store).run(Self.request())
            #expect(again.units == 0)
            #expect(try await StoreSnapshot(store) == snapshot)
        }
    }

    @Test(arguments: TestBackend.available)
    func aHoleInTheMiddleIsFoundAndRefilledAlone(_ backend: TestBackend) async throws {
        let source = try SampleSource(Self.configuration)
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await SyncEngine(source: source, store: store).run(Self.request())
            let before = try await StoreSnapshot(store)
            let hole = source.market.calendar.openDays[20]
            try await store.execute(atomically: [
                SQLStatement("DELETE FROM stock_daily WHERE trade_date = ?", [.integer(Int64(hole.rawValue))]),
                SQLStatement(
                    "DELETE FROM sync_state WHERE dataset = 'daily' AND trade_date = ?",
                    [.integer(Int64(hole.rawValue))]),
            ])
            #expect(try await StoreSnapshot(store) != before)
            // Until it is refilled, the hole is reported as a calendar gap.
            let calendar = source.market.calendar
            let gaps = try await CalendarGapCheck(store: store, calendar: calendar, runID: nil).run(datasets: [.daily])
            #expect(gaps.map(\.tradeDate) == [hole])
            let gapReport = try #require(
                try await store.read(QualityReport.self, .crossSection(hole)).first { $0.dataset == "daily" })
            #expect(gapReport.score == 0)
            #expect(gapReport.findings.contains("calendar_gap"))
            var seen: [SyncProgress] = []
            let report = try await SyncEngine(source: source, store: store).run(Self.request()) { seen.append($0) }
            #expect(report.units == 1)
            #expect(seen.map(\.tradeDate) == [hole])
            #expect(seen.map(\.dataset) == [.daily])
            #expect(try await StoreSnapshot(store) == before)
            let refilled = try await store.read(QualityReport.self, .crossSection(hole)).first { $0.dataset == "daily" }
            #expect(refilled?.score == 1)
        }
    }

    @Test func aDayMissingFromTheCalendarIsReported() async throws {
        let source = try SampleSource(Self.configuration)
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: source, store: store).run(
                SyncRequest(datasets: [.tradeCal], start: Self.configuration.start, end: Self.configuration.end))
            let sunday = TradeDate(unchecked: 2024_02_04)
            try await store.execute(atomically: [
                SQLStatement("DELETE FROM trade_cal WHERE cal_date = ?", [.integer(Int64(sunday.rawValue))])
            ])
            let gaps = try await CalendarGapCheck(store: store, calendar: source.market.calendar, runID: nil).run(
                datasets: [.tradeCal])
            let report = try #require(gaps.first)
            #expect(report.dataset == "trade_cal")
            #expect(report.findings.contains("20240204"))
            // 88 calendar days from 2024-01-02 to 2024-03-29, one missing.
            #expect(report.expected == 88)
            #expect(abs(report.score - (1 - 1.0 / 88)) < 1e-12)
            #expect(try await store.read(QualityReport.self).filter { $0.dataset == "trade_cal" }.count == 1)
        }
    }

    /// The sample market with slow `adj_factor` replies and one wrong `pre_close`, as a
    /// concurrent sync against a real server may see: `daily` for a day arrives before that
    /// day's `adj_factor`.
    struct SlowFactorsSource: DataSource {
        let inner: SampleSource
        let corrupt: (code: TSCode, date: TradeDate)
        var name: String { inner.name }

        func stockBasic() async throws -> [StockBasic] { try await inner.stockBasic() }
        func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay] {
            try await inner.tradeCal(start: start, end: end)
        }
        func daily(tradeDate: TradeDate) async throws -> [DailyBar] {
            var bars = try await inner.daily(tradeDate: tradeDate)
            if tradeDate == corrupt.date, let i = bars.firstIndex(where: { $0.tsCode == corrupt.code }) {
                bars[i].preClose = (bars[i].preClose ?? 0) + 0.01
            }
            return bars
        }
        func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor] {
            try await Task.sleep(for: .milliseconds(30))
            return try await inner.adjFactor(tradeDate: tradeDate)
        }
        func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic] {
            try await inner.dailyBasic(tradeDate: tradeDate)
        }
        func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar] {
            try await inner.indexDaily(tsCode: tsCode, start: start, end: end)
        }
        func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight] {
            try await inner.indexWeight(indexCode: indexCode, start: start, end: end)
        }
    }

    /// Each day's `pre_close` check needs that day's `adj_factor`; fetched concurrently it
    /// arrives later, and the check must wait for it rather than skip the stocks.
    @Test func concurrentUnitsStillCheckPreCloseContinuity() async throws {
        let inner = try SampleSource(Self.configuration)
        let days = inner.market.calendar.openDays
        let victim = try #require(inner.market.daily(on: days[30]).first)
        let source = SlowFactorsSource(inner: inner, corrupt: (victim.tsCode, days[30]))
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            var request = Self.request()
            request.concurrency = 6
            let report = try await SyncEngine(source: source, store: store).run(request)
            #expect(report.status == .succeeded)
            let reports = try await store.read(QualityReport.self).filter { $0.dataset == "daily" }
            let flagged = reports.filter { $0.findings.contains("pre_close") }
            #expect(flagged.map(\.tradeDate) == [days[30]])
            #expect(flagged.first?.findings.contains(victim.tsCode.description) == true)
        }
    }

    /// A source that stops answering after a number of calls, as a network would.
    struct FailingSource: DataSource {
        let inner: SampleSource
        let failAfter: Int
        let calls = Counter()
        var name: String { inner.name }

        final class Counter: @unchecked Sendable {
            // @unchecked: the engine calls the source sequentially.
            var value = 0
        }

        struct Outage: Error {}

        func tick() throws {
            calls.value += 1
            if calls.value > failAfter { throw Outage() }
        }

        func stockBasic() async throws -> [StockBasic] { try tick(); return try await inner.stockBasic() }
        func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay] {
            try tick()
            return try await inner.tradeCal(start: start, end: end)
        }
        func daily(tradeDate: TradeDate) async throws -> [DailyBar] {
            try tick(); return try await inner.daily(tradeDate: tradeDate)
        }
        func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor] {
            try tick()
            return try await inner.adjFactor(tradeDate: tradeDate)
        }
        func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic] {
            try tick()
            return try await inner.dailyBasic(tradeDate: tradeDate)
        }
        func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar] {
            try tick()
            return try await inner.indexDaily(tsCode: tsCode, start: start, end: end)
        }
        func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight] {
            try tick()
            return try await inner.indexWeight(indexCode: indexCode, start: start, end: end)
        }
    }

    @Test(arguments: [1, 2, 37, 100])
    func anInterruptedSyncResumesToTheSameDatabase(_ failAfter: Int) async throws {
        let source = try SampleSource(Self.configuration)
        let clean = try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: source, store: store).run(Self.request())
            return try await StoreSnapshot(store)
        }
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            let failing = FailingSource(inner: source, failAfter: failAfter)
            await #expect(throws: FailingSource.Outage.self) {
                try await SyncEngine(source: failing, store: store).run(Self.request())
            }
            let runs = try await store.query(SQLStatement("SELECT status, message FROM sync_runs"))
            #expect(runs.first?.first == .text("failed"))
            try await SyncEngine(source: source, store: store).run(Self.request())
            #expect(try await StoreSnapshot(store) == clean)
        }
    }

    /// Twelve interruptions at random points, one after another on the same store (each run
    /// resuming what the last left), then one run to the end: the same database as a clean sync.
    @Test func manyRandomInterruptionsStillEndInTheSameDatabase() async throws {
        let source = try SampleSource(Self.configuration)
        let clean = try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: source, store: store).run(Self.request())
            return try await StoreSnapshot(store)
        }
        let seed = UInt64.random(in: 0...UInt64.max)
        var generator = SeededGenerator(seed: seed)
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            var points: [Int] = []
            for _ in 0..<12 {
                let point = Int.random(in: 0...30, using: &generator)
                points.append(point)
                _ = try? await SyncEngine(source: FailingSource(inner: source, failAfter: point), store: store).run(
                    Self.request())
            }
            try await SyncEngine(source: source, store: store).run(Self.request())
            #expect(try await StoreSnapshot(store) == clean, "seed \(seed), interrupted after \(points) calls")
        }
    }

    /// SplitMix64, so a failing random case can be replayed from the seed in the message.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func datasetListsParseAndNameTheUnknownOne() throws {
        #expect(try Dataset.parseList("daily, adj_factor,stock_daily") == [.daily, .adjFactor])
        #expect(throws: SyncError.unknownDataset("prices")) { try Dataset.parseList("daily,prices") }
    }
}
