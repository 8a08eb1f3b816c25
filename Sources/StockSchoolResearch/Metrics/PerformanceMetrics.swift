import Foundation
import StockSchoolCore

/// How a strategy did, from its daily simple returns, in empyrical's definitions with 252
/// trading days a year (`reference/FACTORS.md`, "Performance metrics").
///
/// Every ratio is `nil` where it is undefined (fewer than two days, zero volatility, no losing
/// day for Sortino, no drawdown for Calmar, no benchmark for the relative measures), so JSON
/// carries `null` rather than a NaN that `JSONEncoder` refuses or a 0 that reads as a result.
public struct PerformanceMetrics: Codable, Sendable, Equatable {
    /// Trading days a year, for annualising.
    public static let periodsPerYear = 252.0

    /// Number of daily returns measured.
    public var days: Int
    /// `Π(1 + r) − 1` over the whole period.
    public var totalReturn: Double?
    /// `(Π(1 + r))^(252 / n) − 1`: the compound rate that yields the total over n days.
    public var annualReturn: Double?
    /// `std(r, n − 1) · √252`.
    public var annualVolatility: Double?
    /// `mean(r) / std(r, n − 1) · √252`, with a risk-free rate of 0 (empyrical's default).
    public var sharpe: Double?
    /// `mean(r) · 252 / (√mean(min(r, 0)²) · √252)`: only losing days count as risk, and the
    /// downside deviation is taken around 0 over all days, not just the losing ones.
    public var sortino: Double?
    public var maxDrawdown: MaxDrawdown
    /// `annualReturn / |maxDrawdown|`; `nil` without a drawdown.
    public var calmar: Double?
    /// Share of days with `r > 0`. Flat days (`r == 0`, e.g. all cash, or a holiday in a
    /// strategy's calendar) count as not won, so a strategy that sits out reads lower, not higher.
    public var winRate: Double?
    /// The benchmark's own annual return over the same days.
    public var benchmarkAnnualReturn: Double?
    /// `annualReturn − benchmarkAnnualReturn` (a difference of annual returns, not the annual
    /// return of the daily differences).
    public var excessAnnualReturn: Double?
    /// `mean(r − r_b) / std(r − r_b, n − 1) · √252`.
    public var informationRatio: Double?
    /// Mean daily one-sided turnover: `(bought + sold value) / 2 / previous NAV`, averaged over the
    /// days; `nil` when no turnover series was given.
    public var turnover: Double?
    /// `turnover · 252`: how many times a year the portfolio is replaced.
    public var annualTurnover: Double?

    /// Metrics of `returns` (one per `dates` entry, oldest first).
    ///
    /// - Parameters:
    ///   - benchmark: the benchmark's daily returns on the same days, for the relative measures.
    ///   - turnover: daily turnover on the same days (see ``turnover``).
    ///   - start: the date that labels the starting capital, the day before the first return; it
    ///     becomes the drawdown's peak when the first day already loses.
    public init(
        returns: [Double], dates: [TradeDate], benchmark: [Double]? = nil, turnover: [Double]? = nil,
        start: TradeDate? = nil
    ) throws(StockSchoolError) {
        for (name, series) in [("benchmark returns", benchmark), ("turnover", turnover)] {
            if let series, series.count != returns.count {
                throw .invalidArgument(
                    name: name, reason: "has \(series.count) values for \(returns.count) daily returns")
            }
        }
        guard dates.count == returns.count else {
            throw .invalidArgument(
                name: "dates", reason: "has \(dates.count) values for \(returns.count) daily returns")
        }
        let n = returns.count
        let year = Self.periodsPerYear
        days = n
        maxDrawdown = MaxDrawdown(returns: returns, dates: dates, start: start)
        guard n > 0 else { return }

        let growth = returns.reduce(1.0) { $0 * (1 + $1) }
        totalReturn = growth - 1
        let annual = Self.annualReturn(returns)
        annualReturn = annual
        let (mean, std) = Self.meanAndStd(returns)
        if let std {
            annualVolatility = std * year.squareRoot()
            if std > 0 { sharpe = mean / std * year.squareRoot() }
        }
        let downside = (returns.reduce(0.0) { $0 + Swift.min($1, 0) * Swift.min($1, 0) } / Double(n)).squareRoot()
        if downside > 0 { sortino = mean * year / (downside * year.squareRoot()) }
        if maxDrawdown.depth < 0, let annual { calmar = annual / -maxDrawdown.depth }
        winRate = Double(returns.count(where: { $0 > 0 })) / Double(n)

        if let benchmark {
            let benchmarkAnnual = Self.annualReturn(benchmark)
            benchmarkAnnualReturn = benchmarkAnnual
            if let annual, let benchmarkAnnual { excessAnnualReturn = annual - benchmarkAnnual }
            let active = zip(returns, benchmark).map { $0 - $1 }
            let (activeMean, activeStd) = Self.meanAndStd(active)
            if let activeStd, activeStd > 0 { informationRatio = activeMean / activeStd * year.squareRoot() }
        }
        if let turnover {
            let mean = turnover.reduce(0, +) / Double(n)
            self.turnover = mean
            annualTurnover = mean * year
        }
    }

    /// `(Π(1 + r))^(252 / n) − 1`, `nil` for an empty series; −1 once everything is lost (the
    /// power of a non-positive wealth has no real value).
    static func annualReturn(_ returns: [Double]) -> Double? {
        guard !returns.isEmpty else { return nil }
        let growth = returns.reduce(1.0) { $0 * (1 + $1) }
        guard growth > 0 else { return -1 }
        return pow(growth, periodsPerYear / Double(returns.count)) - 1
    }

    /// The mean and the sample standard deviation (n − 1); the deviation is `nil` below two values.
    static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double?) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count >= 2 else { return (mean, nil) }
        let squares = values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / (n - 1)).squareRoot())
    }
}
