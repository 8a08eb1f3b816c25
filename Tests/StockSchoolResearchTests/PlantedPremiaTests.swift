import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolResearch

/// The simulated market plants a short-term reversal (docs/sample-market.md): each day's expected
/// log return carries −a × (the stock's last 5 daily log returns), a = `reversalStrength`. The
/// evaluation must find it with the planted sign and about the planted size, and find nothing in
/// noise.
@Suite struct PlantedPremiaTests {
    static let market = SampleMarketConfiguration(
        stocks: 200, start: TradeDate(unchecked: 2021_01_04), end: TradeDate(unchecked: 2022_12_30), seed: 7)

    /// The cross-sectional correlation the reversal implies, from the market's documented
    /// constants: corr(−R5, r) ≈ a · sd(R5) / sd(r) with sd(R5) = √5 · sd(r) for roughly
    /// independent days, so ≈ a · √5. The cross-sectional daily variance is idiosyncratic
    /// σ² (σ uniform on 1–4%: E σ² = (0.04³ − 0.01³)/(3 · 0.03) = 7.0e-4) plus industry
    /// (0.8% · γ, E γ² = 13/12: 0.69e-4) plus jumps (0.002 · 0.07² = 0.1e-4); it cancels in the
    /// ratio, leaving a · √5 = 0.03 · 2.236 = 0.067 for Pearson. Fat tails and heteroskedastic σ
    /// move Spearman a little, so the test allows ±50%.
    static let plantedIC = SampleMarket.reversalStrength * 5.0.squareRoot()

    @Test func reversalIsFoundWithThePlantedSignAndSize() async throws {
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(Self.market), store: store).run(
                SyncRequest(start: Self.market.start, end: Self.market.end))
            let formula = try FactorJob.formula(expression: "-Log($close/Ref($close,5))")
            let job = EvaluationJob(
                factors: FactorJob(factors: [("REV5", formula)], start: Self.market.start, end: Self.market.end),
                horizons: [1, 5], convention: .close)
            var found: FactorEvaluation?
            var noise: FactorEvaluation?
            var panelShape: (stocks: Int, dates: Int) = (0, 0)
            let run = try await job.run(store: store) { run in
                panelShape = (run.tsCodes.count, run.dates.count)
            } consume: { _, evaluation in
                found = evaluation
            }
            let evaluation = try #require(found)
            let h1 = evaluation.horizons[0]
            #expect(h1.rankICSummary.mean > 0, "reversal RankIC \(h1.rankICSummary.mean) has the wrong sign")
            #expect(
                abs(h1.rankICSummary.mean - Self.plantedIC) < 0.5 * Self.plantedIC,
                "mean RankIC \(h1.rankICSummary.mean), planted ≈ \(Self.plantedIC)")
            #expect(abs(h1.icSummary.mean - Self.plantedIC) < 0.5 * Self.plantedIC)
            #expect(h1.rankICSummary.tStat > 8)
            #expect(h1.rankICSummary.pValue < 1e-6)
            // Reversal: the lowest quantile of −R5 (the week's winners) does worst, the highest best.
            #expect(h1.meanQuantileReturns[0] < 0 && h1.meanQuantileReturns[4] > 0)
            #expect(h1.spreadSummary.mean > 0)
            // The report counts what could not be entered.
            #expect(run.suspendedAtEntry.reduce(0, +) + run.limitUpAtEntry.reduce(0, +) > 0)

            // Noise: a seeded random factor on the same panel finds nothing.
            let trading = try await TradingPanelLoader.load(store: store, tsCodes: run.tsCodes, dates: run.dates)
            let returns = try ForwardReturns(panel: trading, horizons: [1], convention: .close)
            var generator = SplitMix(seed: 11)
            let random = (0..<(panelShape.stocks * panelShape.dates)).map { _ in generator.uniform() }
            noise = try FactorAnalyzer(forwardReturns: returns).evaluate(random)
            let n = try #require(noise?.horizons[0].rankICSummary)
            #expect(abs(n.mean) < 0.01, "noise RankIC \(n.mean)")
            #expect(abs(n.tStat) < 4, "noise RankIC t-stat \(n.tStat)")
        }
    }
}

/// SplitMix64: a few lines of independent randomness for test factors.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
