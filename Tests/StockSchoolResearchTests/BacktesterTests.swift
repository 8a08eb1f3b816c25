import Foundation
import StockSchoolCore
import Testing

@testable import StockSchoolResearch

/// End to end on three stocks over four days of 2024 (stamp duty 0.05%), top 1, daily, at the
/// close, 100,000 CNY, test from day 1 (day 0 is warm-up):
///
/// | close      | 01-02 | 01-03 | 01-04 | 01-05 |
/// |------------|-------|-------|-------|-------|
/// | A 000001.SZ | 10    | 10    | 11    | 12    |
/// | B 000002.SZ | 20    | 20    | 21    | 19    |
/// | C 000003.SZ | 5     | 5     | 5     | 5.5   |
/// | benchmark  | 100   | 101   | —     | 102   |
///
/// Scores (known after each close): day 0 prefers A, days 1 and 2 prefer B.
@Suite struct BacktesterTests {
    static let dates: [Int32] = [2024_01_02, 2024_01_03, 2024_01_04, 2024_01_05]
    static let closes: [[Double]] = [[10, 10, 11, 12], [20, 20, 21, 19], [5, 5, 5, 5.5]]
    /// Stock-major: A, B, C rows; columns are dates.
    static let scores: [Double] = [
        1, 0, 0, 0,
        0, 1, 1, 0,
        -1, -1, -1, 0,
    ]

    func panel(closes: [[Double]] = closes) throws -> TradingPanel {
        try BacktestFixtures.panel(
            codes: ["000001.SZ", "000002.SZ", "000003.SZ"], dates: Self.dates, close: closes,
            benchmark: [100, 101, .nan, 102])
    }

    func settings(_ strategy: PortfolioStrategy = .topN(1)) -> BacktestSettings {
        BacktestSettings(strategy: strategy, initialCash: 100_000, startIndex: 1)
    }

    /// By hand:
    /// - 01-03 (scores of 01-02 → A): budget min(100,000 / 1, 100,000 / 1); A at 10: 99 lots =
    ///   9,900 shares, 99,000 + 29.70 → cash 970.30; NAV 970.30 + 99,000 = 99,970.30;
    ///   return −0.000297; turnover 99,000 / 2 / 100,000 = 0.495.
    /// - 01-04 (scores of 01-03 → B): sell A at 11: 108,900 − 32.67 − 54.45 → cash 109,783.18;
    ///   buy B at 21: min(109,783.18 / 2,100.63, 109,778.18 / 2,100) = 52.26 → 52 lots = 5,200
    ///   shares, 109,200 + 32.76 → cash 550.42; NAV 550.42 + 109,200 = 109,750.42;
    ///   turnover (108,900 + 109,200) / 2 / 99,970.30 = 1.090823974720492.
    /// - 01-05 (scores of 01-04 → B, held): no trade; NAV 550.42 + 5,200 × 19 = 99,350.42.
    /// - benchmark: 101 / 100 = 1.01, no row on 01-04 → 1.01, 102 / 100 = 1.02.
    @Test func navAfterEachDayMatchesTheHandComputation() throws {
        let result = try Backtester.run(panel: try panel(), scores: Self.scores, settings: settings())
        #expect(result.dates.map(\.rawValue) == [2024_01_03, 2024_01_04, 2024_01_05])
        let expected = [99_970.30, 109_750.42, 99_350.42]
        for (value, hand) in zip(result.value, expected) { #expect(abs(value - hand) < 1e-6) }
        #expect(abs(result.nav[2] - 0.9935042) < 1e-10)
        #expect(abs(result.cash[2] - 550.42) < 1e-6)
        #expect(abs(result.returns[0] - -0.000297) < 1e-12)
        #expect(abs(result.returns[1] - (109_750.42 / 99_970.30 - 1)) < 1e-12)
        #expect(abs(result.turnover[0] - 0.495) < 1e-12)
        #expect(abs(result.turnover[1] - 1.090823974720492) < 1e-12)
        #expect(result.turnover[2] == 0)

        let trades = result.trades.map { "\($0.date) \($0.tsCode) \($0.side) \(Int($0.shares))" }
        #expect(
            trades == [
                "20240103 000001.SZ buy 9900", "20240104 000001.SZ sell 9900", "20240104 000002.SZ buy 5200",
            ])
        #expect(abs(result.trades[1].stampDuty - 54.45) < 1e-9)

        let last = result.positions.filter { $0.date == TradeDate(unchecked: 2024_01_05) }
        #expect(last.count == 1 && last[0].tsCode == TSCode(literal: "000002.SZ") && last[0].shares == 5_200)
        #expect(abs(last[0].value - 98_800) < 1e-9)
        #expect(abs(last[0].weight - 98_800 / 99_350.42) < 1e-12)

        let benchmark = try #require(result.benchmarkNAV)
        for (nav, hand) in zip(benchmark, [1.01, 1.01, 1.02]) { #expect(abs(nav - hand) < 1e-12) }
        #expect(result.metrics.days == 3)
        #expect(abs((result.metrics.totalReturn ?? .nan) - -0.0064958) < 1e-10)
    }

    @Test func scoresOfTheLastDayChangeNothing() throws {
        // Day 3's scores could only act on a day 4 that is not in the panel; day 2's act on day 3.
        var changed = Self.scores
        changed[0 * 4 + 3] = 100
        changed[2 * 4 + 3] = -100
        let base = try Backtester.run(panel: try panel(), scores: Self.scores, settings: settings())
        let other = try Backtester.run(panel: try panel(), scores: changed, settings: settings())
        #expect(base.value == other.value && base.trades == other.trades && base.positions == other.positions)
        // Whereas day 2's scores decide day 3: preferring C on 01-04 sells B at 01-05's close.
        var earlier = Self.scores
        earlier[2 * 4 + 2] = 5
        let moved = try Backtester.run(panel: try panel(), scores: earlier, settings: settings())
        #expect(moved.trades.count == 5 && moved.trades[3].side == .sell && moved.trades[3].date.rawValue == 2024_01_05)
        #expect(moved.value[1] == base.value[1])
    }

    @Test func aSuspendedHoldingIsKeptAndValuedAtItsLastClose() throws {
        // B has no bar on 01-05: the sell the scores ask for (C preferred on 01-04) is refused and
        // B stays held, valued at its last close 21; the buy of C gets the 550.42 CNY left.
        var closes = Self.closes
        closes[1][3] = .nan
        var scores = Self.scores
        scores[2 * 4 + 2] = 5
        let result = try Backtester.run(panel: try panel(closes: closes), scores: scores, settings: settings())
        let day3 = result.trades.filter { $0.date.rawValue == 2024_01_05 }
        #expect(day3.count == 2)
        #expect(day3[0].tsCode == TSCode(literal: "000002.SZ") && day3[0].reason == .suspended)
        // C at 5.50: one lot = 550 + 5 = 555 > 550.42 → refused for cash.
        #expect(day3[1].tsCode == TSCode(literal: "000003.SZ") && day3[1].reason == .insufficientCash)
        // NAV 550.42 + 5,200 × 21 (last close) = 109,750.42, unchanged from 01-04.
        #expect(abs(result.value[2] - 109_750.42) < 1e-6)
        #expect(result.positions.last?.tsCode == TSCode(literal: "000002.SZ"))
        #expect(result.rejectedTrades.count == 2)
    }

    @Test func topKDropoutRunsThroughTheSameLoop() throws {
        // k 1, drop 1 behaves like top 1 here: each day the held name is the lowest of comb
        // when a better one appears. Same trades as the top-1 run.
        let topN = try Backtester.run(panel: try panel(), scores: Self.scores, settings: settings())
        let dropout = try Backtester.run(
            panel: try panel(), scores: Self.scores, settings: settings(.topKDropout(k: 1, drop: 1)))
        #expect(dropout.trades == topN.trades && dropout.value == topN.value)
    }

    @Test func weeklyAndMonthlyRebalanceOnTheFirstTradeDateOfEachPeriod() {
        // 2024-01-02 is a Tuesday, 01-08 the next Monday.
        let week = [2024_01_02, 2024_01_03, 2024_01_05, 2024_01_08, 2024_01_09].map { TradeDate(unchecked: $0) }
        #expect(Backtester.rebalanceDays(week, 0...4, .weekly) == [true, false, false, true, false])
        #expect(Backtester.rebalanceDays(week, 1...4, .weekly) == [true, false, true, false])
        let month = [2024_01_30, 2024_01_31, 2024_02_01, 2024_02_02].map { TradeDate(unchecked: $0) }
        #expect(Backtester.rebalanceDays(month, 0...3, .monthly) == [true, false, true, false])
        #expect(Backtester.rebalanceDays(month, 0...3, .daily) == [true, true, true, true])
    }

    @Test func settingsAreValidatedNamingTheFlag() throws {
        let panel = try panel()
        func error(_ settings: BacktestSettings) -> String? {
            do {
                _ = try Backtester.run(panel: panel, scores: Self.scores, settings: settings)
                return nil
            } catch {
                guard case .invalidArgument(let name, _) = error else { return "\(error)" }
                return name
            }
        }
        #expect(error(BacktestSettings(strategy: .topN(0))) == "--top")
        #expect(error(BacktestSettings(strategy: .topKDropout(k: 3, drop: 4))) == "--drop")
        #expect(error(BacktestSettings(initialCash: -1)) == "--cash")
        #expect(error(BacktestSettings(startIndex: 9)) == "--start")
        #expect(error(BacktestSettings(costs: TradingCosts(slippage: -0.1))) == "--slippage")
        #expect(throws: StockSchoolError.self) {
            try Backtester.run(panel: panel, scores: [1, 2], settings: BacktestSettings())
        }
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let result = try Backtester.run(panel: try panel(), scores: Self.scores, settings: settings())
        let data = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(BacktestResult.self, from: data)
        #expect(decoded.trades == result.trades && decoded.metrics == result.metrics)
        #expect(decoded.settings == result.settings)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"kind\":\"top_n\"") && text.contains("\"ts_code\":\"000001.SZ\""))
    }
}
