import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolResearch

/// Point in time: perturbing every row after a date t must leave scores, ranks and backtest
/// decisions up to t unchanged (ARCHITECTURE.md, "a value at date t uses data known at t only").
@Suite struct NoLookaheadTests {
    static let market = SampleMarketConfiguration(
        stocks: 40, start: TradeDate(unchecked: 2023_01_03), end: TradeDate(unchecked: 2023_08_31), seed: 3)
    static let cut = TradeDate(unchecked: 2023_06_30)
    static let scoreFrom = TradeDate(unchecked: 2023_05_04)

    struct Outcome: Equatable {
        var scores: [String: [Double?]] = [:]
        var ranks: [String: [Int32]] = [:]
        var trades: [Trade] = []
        var nav: [Double] = []
    }

    /// Scores (IC weights from h = 1 next-day ICs, window 20) and a daily top-10 backtest on
    /// those scores, keeping only what is dated on or before the cut.
    func outcome(_ store: any MarketStore) async throws -> Outcome {
        let formulas = try ["ROC5", "STD5", "KMID", "MA5"].map { name in
            (
                name,
                try FactorJob.formula(
                    expression: try #require(FactorLibrary.factors(in: "alpha158")?.first { $0.name == name }).formula)
            )
        }
        let job = ScoreJob(
            name: "pit", factors: formulas, weighting: .icir, window: 20, horizon: 1, convention: .next,
            start: Self.scoreFrom, end: Self.market.end)
        let run = try await job.run(store: store)
        try await store.saveScores(
            name: "pit", weighting: .icir, result: run.result, tsCodes: run.tsCodes, dates: run.dates,
            industries: run.industries)
        var out = Outcome()
        let kept = run.dates.filter { $0 <= Self.cut }.count
        #expect(kept > 20)
        #expect((0..<kept).contains { run.result.scored(date: $0) })
        for (s, code) in run.tsCodes.enumerated() {
            let range = (s * run.dates.count)..<(s * run.dates.count + kept)
            out.scores[code.description] = run.result.score[range].map { $0.isNaN ? nil : $0 }
            out.ranks[code.description] = Array(run.result.rank[range])
        }
        let backtest = BacktestJob(
            signal: .score(name: "pit"), settings: BacktestSettings(strategy: .topN(10), rebalance: .daily),
            start: TradeDate(unchecked: 2023_05_15), end: Self.market.end)
        let result = try await backtest.run(store: store)
        out.trades = result.trades.filter { $0.date <= Self.cut }
        out.nav = zip(result.dates, result.nav).filter { $0.0 <= Self.cut }.map(\.1)
        #expect(!out.trades.isEmpty)
        return out
    }

    @Test(arguments: TestBackend.available)
    func perturbingTheFutureChangesNothingBeforeIt(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(Self.market), store: store).run(
                SyncRequest(start: Self.market.start, end: Self.market.end))
            let before = try await outcome(store)
            let cut = Int64(Self.cut.rawValue)
            // Prices up 30%, volumes doubled and a new adjustment factor, after the cut only.
            try await store.execute(atomically: [
                SQLStatement(
                    "UPDATE stock_daily SET open = open * 1.3, high = high * 1.3, low = low * 1.3, close = close * 1.3, pre_close = pre_close * 1.3, vol = vol * 2 WHERE trade_date > ?",
                    [.integer(cut)]),
                SQLStatement(
                    "UPDATE adj_factor SET adj_factor = adj_factor * 1.7 WHERE trade_date > ?", [.integer(cut)]),
                SQLStatement("UPDATE index_daily SET close = close * 0.5 WHERE trade_date > ?", [.integer(cut)]),
            ])
            let after = try await outcome(store)
            #expect(after.scores == before.scores)
            #expect(after.ranks == before.ranks)
            #expect(after.trades == before.trades)
            #expect(after.nav == before.nav)
        }
    }
}
