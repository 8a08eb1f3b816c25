import Foundation
import StockSchoolCore

/// Evaluates factor columns against one set of forward returns, the Alphalens way: daily IC and
/// RankIC, quantile returns, spread, turnover and rank autocorrelation, for every horizon.
///
/// Every statistic of a date uses the stocks that have both a factor value and a forward return
/// for that horizon on that date (the valid set V); the factor is ranked and cut into quantiles
/// within V. A date whose V has fewer than `minimumStocks` stocks is skipped entirely: its IC is
/// NaN and it holds no quantiles.
///
/// Factors arrive one at a time, so the work is split across cores by date. Per date, V is sorted
/// once (`CrossSectionSort`) for the factor's ranks and quantiles; both correlations and the
/// quantile sums for all horizons are then linear walks over V in stock order, reusing what
/// `ForwardReturns` precomputed about the returns.
/// Rank autocorrelation and turnover compare a date with the one h dates before, from the
/// per-date ranks and labels the first pass leaves behind: right away when that date was done
/// earlier on the same thread, else in a second pass.
public struct FactorAnalyzer: Sendable {
    public let forwardReturns: ForwardReturns
    public let quantiles: Int
    public let minimumStocks: Int

    public init(forwardReturns: ForwardReturns, quantiles: Int = 5, minimumStocks: Int = 10) throws(StockSchoolError) {
        guard (2...255).contains(quantiles) else {
            throw .invalidArgument(name: "--quantiles", reason: "is \(quantiles); use 2 to 255 groups (5 is usual)")
        }
        guard minimumStocks >= 2 else {
            throw .invalidArgument(
                name: "--min-stocks", reason: "is \(minimumStocks); a correlation needs at least 2 stocks a date")
        }
        guard forwardReturns.horizons.count <= 255 else {
            throw .invalidArgument(
                name: "--horizons",
                reason: "lists \(forwardReturns.horizons.count) horizons; evaluate at most 255 at once")
        }
        self.forwardReturns = forwardReturns
        self.quantiles = quantiles
        self.minimumStocks = minimumStocks
    }

    /// Evaluates `factor`, stock-major like the panel (`stock * dateCount + date`), NaN or ±∞
    /// where missing.
    public func evaluate(_ factor: [Double]) throws(StockSchoolError) -> FactorEvaluation {
        var result: Result<FactorEvaluation, StockSchoolError> = .failure(.invalidArgument(name: "factor", reason: ""))
        factor.withUnsafeBufferPointer { factor in
            do throws(StockSchoolError) {
                result = .success(try evaluate(factor))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Evaluates `factor`, stock-major like the panel (`stock * dateCount + date`), NaN or ±∞
    /// where missing.
    public func evaluate(_ factor: UnsafeBufferPointer<Double>) throws(StockSchoolError) -> FactorEvaluation {
        let stocks = forwardReturns.stockCount
        let dates = forwardReturns.dateCount
        guard factor.count == stocks * dates else {
            throw .invalidArgument(
                name: "factor", reason: "has \(factor.count) values for \(stocks) stocks × \(dates) dates")
        }
        guard let factorBase = factor.baseAddress, stocks > 0, dates > 0 else { return emptyEvaluation() }
        let pass = EvaluationPass(
            crossSections: forwardReturns.crossSections, horizons: forwardReturns.horizons, quantiles: quantiles,
            minimumStocks: minimumStocks, factor: factorBase)
        return pass.run(convention: forwardReturns.convention, dates: forwardReturns.dates)
    }

    private func emptyEvaluation() -> FactorEvaluation {
        FactorEvaluation(
            convention: forwardReturns.convention, quantiles: quantiles, minimumStocks: minimumStocks,
            dates: forwardReturns.dates, coverage: .nan,
            horizons: forwardReturns.horizons.map { horizon in
                let empty = [Double](repeating: .nan, count: forwardReturns.dateCount)
                let perQuantile = [[Double]](repeating: empty, count: quantiles)
                return HorizonEvaluation(
                    horizon: horizon, stockCounts: [Int](repeating: 0, count: forwardReturns.dateCount), ic: empty,
                    rankIC: empty, icSummary: ICSummary(empty), rankICSummary: ICSummary(empty),
                    quantileReturns: perQuantile, meanQuantileReturns: [Double](repeating: .nan, count: quantiles),
                    cumulativeQuantileReturns: [[Double]](
                        repeating: [Double](repeating: 1, count: forwardReturns.dateCount), count: quantiles),
                    spread: empty, spreadSummary: ICSummary(empty),
                    turnover: [Double](repeating: .nan, count: quantiles), rankAutocorrelation: empty,
                    meanRankAutocorrelation: .nan)
            })
    }
}
