import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct PerformanceMetricsTests {
    static let days: [TradeDate] = [2024_01_02, 2024_01_03, 2024_01_04, 2024_01_05, 2024_01_08].map {
        TradeDate(unchecked: $0)
    }

    /// r = [0.01, −0.02, 0.03, −0.01, 0.02], benchmark b = [0.005, −0.01, 0.01, 0, 0.01].
    ///
    /// By hand (and checked with plain Python, not this code):
    /// - wealth 1.01, 0.9898, 1.019494, 1.00929906, 1.0294850412 → total 0.0294850412;
    ///   annual = 1.0294850412^(252/5) − 1 = 3.325636719291218
    /// - mean 0.006; deviations 0.004, −0.026, 0.024, −0.016, 0.014; squares sum 0.00172;
    ///   std = √(0.00172/4) = 0.02073644135332772; volatility = std·√252 = 0.32918080138428485;
    ///   Sharpe = 0.006 / std · √252 = 4.593220484431883
    /// - downside: min(r,0)² = 0, 0.0004, 0, 0.0001, 0 → mean 0.0001 → √ = 0.01;
    ///   Sortino = 0.006·252 / (0.01·√252) = 0.6·√252 = 9.524704719832526
    /// - drawdown: peak 1.01 (01-02), 0.9898/1.01 − 1 = −0.02 at 01-03, back above 1.01 on 01-04
    ///   (1.019494); the later −1% is shallower. Calmar = 3.325636719291218 / 0.02 = 166.28183596456088
    /// - win rate 3/5 = 0.6
    /// - benchmark wealth 1.02504...: annual 1.1124079707098562; excess = 2.2132287485813618
    /// - active = [0.005, −0.01, 0.02, −0.01, 0.01]: mean 0.003, squares of deviations sum 0.00068,
    ///   std = √0.00017; IR = 0.003/√0.00017·√252 = 3.6525575246104243
    @Test func matchHandComputedValues() throws {
        let metrics = try PerformanceMetrics(
            returns: [0.01, -0.02, 0.03, -0.01, 0.02], dates: Self.days, benchmark: [0.005, -0.01, 0.01, 0, 0.01],
            turnover: [0.1, 0.3, 0.2, 0, 0])
        func close(_ value: Double?, _ expected: Double) -> Bool {
            guard let value else { return false }
            return abs(value - expected) <= 1e-9 * max(1, abs(expected))
        }
        #expect(metrics.days == 5)
        #expect(close(metrics.totalReturn, 0.0294850412))
        #expect(close(metrics.annualReturn, 3.325636719291218))
        #expect(close(metrics.annualVolatility, 0.32918080138428485))
        #expect(close(metrics.sharpe, 4.593220484431883))
        #expect(close(metrics.sortino, 9.524704719832526))
        #expect(close(metrics.maxDrawdown.depth, -0.02))
        #expect(metrics.maxDrawdown.peak == TradeDate(unchecked: 2024_01_02))
        #expect(metrics.maxDrawdown.trough == TradeDate(unchecked: 2024_01_03))
        #expect(metrics.maxDrawdown.recovery == TradeDate(unchecked: 2024_01_04))
        #expect(close(metrics.calmar, 166.28183596456088))
        #expect(metrics.winRate == 0.6)
        #expect(close(metrics.benchmarkAnnualReturn, 1.1124079707098562))
        #expect(close(metrics.excessAnnualReturn, 2.2132287485813618))
        #expect(close(metrics.informationRatio, 3.6525575246104243))
        // Turnover: mean(0.1, 0.3, 0.2, 0, 0) = 0.12 a day, 0.12 × 252 = 30.24 a year.
        #expect(close(metrics.turnover, 0.12))
        #expect(close(metrics.annualTurnover, 30.24))
    }

    @Test func unrecoveredDrawdownHasNoRecoveryDate() throws {
        // Wealth 1.1, 0.55, 0.66: from the 1.1 peak down to 0.55 = −50%, never back.
        let dd = MaxDrawdown(returns: [0.1, -0.5, 0.2], dates: Array(Self.days.prefix(3)))
        #expect(abs(dd.depth + 0.5) < 1e-12)
        #expect(dd.peak == Self.days[0] && dd.trough == Self.days[1] && dd.recovery == nil)
    }

    @Test func aFirstDayLossDrawsDownFromTheStartingCapital() throws {
        // Wealth 0.9, 1.08: −10% from the initial 1 (labelled by `start`), recovered the next day.
        let start = TradeDate(unchecked: 2023_12_29)
        let dd = MaxDrawdown(returns: [-0.1, 0.2], dates: Array(Self.days.prefix(2)), start: start)
        #expect(abs(dd.depth + 0.1) < 1e-12)
        #expect(dd.peak == start && dd.trough == Self.days[0] && dd.recovery == Self.days[1])
    }

    @Test func undefinedRatiosAreNil() throws {
        // One flat day: no deviation, no loss, no drawdown, no win.
        let metrics = try PerformanceMetrics(returns: [0], dates: [Self.days[0]])
        #expect(metrics.annualReturn == 0 && metrics.winRate == 0)
        #expect(metrics.annualVolatility == nil && metrics.sharpe == nil && metrics.sortino == nil)
        #expect(metrics.calmar == nil && metrics.informationRatio == nil && metrics.maxDrawdown.depth == 0)
        #expect(throws: StockSchoolError.self) {
            try PerformanceMetrics(returns: [0, 0], dates: [Self.days[0]])
        }
    }
}
