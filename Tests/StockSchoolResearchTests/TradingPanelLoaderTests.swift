import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolResearch

/// The trading panel read from a store of the simulated market, whose rules are documented
/// (docs/sample-market.md): every close lies inside the day's band, about 5–8‰ of stock-days close
/// at limit-up, suspended days have no bar, and backward-adjusted closes chain like the factor
/// panel's `hfq` prices.
@Suite struct TradingPanelLoaderTests {
    static let market = SampleMarketConfiguration(
        stocks: 120, start: TradeDate(unchecked: 2022_01_04), end: TradeDate(unchecked: 2022_12_30), seed: 9)

    @Test(arguments: TestBackend.available)
    func limitsSuspensionsAndAdjustment(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(Self.market), store: store).run(
                SyncRequest(start: Self.market.start, end: Self.market.end))
            let panel = try await TradingPanelLoader.load(store: store, start: Self.market.start, end: Self.market.end)
            #expect(panel.stockCount >= 110)
            #expect(panel.benchmarkCode == TSCode(literal: "000300.SH"))
            #expect(panel.benchmark?.allSatisfy { $0 > 0 } == true)
            var traded = 0
            var atLimitUp = 0
            var suspended = 0
            for s in 0..<panel.stockCount {
                for d in 0..<panel.dateCount {
                    let i = panel.cell(s, d)
                    guard panel.traded(i) else {
                        suspended += 1
                        continue
                    }
                    traded += 1
                    #expect(panel.close[i] <= panel.limitUp[i] + 1e-9 && panel.close[i] >= panel.limitDown[i] - 1e-9)
                    if panel.atLimitUp(panel.close[i], i) { atLimitUp += 1 }
                }
            }
            let share = Double(atLimitUp) / Double(traded)
            // 5–8‰ on ordinary names, more on ST ones: allow 3–15‰.
            #expect(share > 0.003 && share < 0.015, "limit-up share \(share)")
            #expect(suspended > 0)

            let hfq = try await FactorPanelLoader.load(
                store: store, start: Self.market.start, end: Self.market.end, adjustment: .hfq, fields: ["close"])
            #expect(hfq.tsCodes == panel.tsCodes && hfq.dates == panel.dates)
            let close = try #require(hfq.values("close"))
            for i in stride(from: 0, to: close.count, by: 97) where !close[i].isNaN {
                #expect(abs(panel.adjustedClose(i) - close[i]) <= 1e-9 * close[i])
            }

            // Derived from a factor job's (hfq) panel instead of read again: the same panel.
            var job = FactorJob(
                factors: [("C", try FactorJob.formula(expression: "$close"))], start: Self.market.start,
                end: Self.market.end, adjustment: .hfq)
            job.extraFields = TradingPanelLoader.factorPanelFields
            var derived: TradingPanel?
            try await job.run(store: store) { shape in
                derived = try await TradingPanelLoader.load(from: shape, store: store)
            } consume: { _, _ in
            }
            let fromJob = try #require(derived)
            #expect(fromJob.tsCodes == panel.tsCodes && fromJob.dates == panel.dates)
            #expect(fromJob.benchmark == panel.benchmark)
            func same(_ a: Double, _ b: Double) -> Bool {
                a == b || (a.isNaN && b.isNaN) || abs(a - b) <= 1e-12 * abs(b)
            }
            for i in 0..<(panel.stockCount * panel.dateCount) where panel.traded(i) {
                #expect(same(fromJob.close[i], panel.close[i]) && same(fromJob.open[i], panel.open[i]))
                #expect(fromJob.limitUp[i] == panel.limitUp[i] && fromJob.limitDown[i] == panel.limitDown[i])
                #expect(same(fromJob.adjustedClose(i), panel.adjustedClose(i)))
            }
            #expect(fromJob.industries == panel.industries)
        }
    }
}
