import StockSchoolCore

/// Everything Alphalens' returns, information and turnover tear sheets report for one factor,
/// per forward-return horizon, with the daily series behind each number.
///
/// Daily series are indexed like `dates` (the panel's dates); a date without enough stocks, or
/// whose forward return is not known yet, holds NaN. JSON cannot carry NaN: encode with a
/// non-conforming-float strategy or map NaN to `null`, per the project's "missing is explicit".
public struct FactorEvaluation: Codable, Sendable {
    public var convention: ReturnConvention
    public var quantiles: Int
    /// Dates with fewer stocks (with both a factor value and a return) are left out of every
    /// statistic.
    public var minimumStocks: Int
    public var dates: [TradeDate]
    /// Share of cells where the stock traded that have a factor value.
    public var coverage: Double
    /// One entry per horizon, in `ForwardReturns.horizons` order.
    public var horizons: [HorizonEvaluation]

    /// IC decay: mean IC per horizon, in horizon order.
    public var icDecay: [Double] { horizons.map(\.icSummary.mean) }
    /// Mean RankIC per horizon, in horizon order.
    public var rankICDecay: [Double] { horizons.map(\.rankICSummary.mean) }
}

/// One horizon's evaluation of a factor (see `FactorEvaluation`).
public struct HorizonEvaluation: Codable, Sendable {
    public var horizon: Int
    /// Per date: stocks with both a factor value and a forward return (the n of that day's IC).
    public var stockCounts: [Int]
    /// Per date: Pearson correlation of factor and forward return across stocks.
    public var ic: [Double]
    /// Per date: Spearman correlation of factor and forward return across stocks.
    public var rankIC: [Double]
    public var icSummary: ICSummary
    public var rankICSummary: ICSummary
    /// `[quantile][date]`: mean forward return of the quantile's stocks minus the mean of all
    /// stocks that day (quantile 1 = lowest factor); NaN when the quantile is empty.
    public var quantileReturns: [[Double]]
    /// Per quantile: mean over dates of `quantileReturns`.
    public var meanQuantileReturns: [Double]
    /// `[quantile][date]`: growth of 1 invested in the quantile's demeaned return, starting at
    /// the first date. An h-day return r is a daily rate (1 + r)^(1/h) − 1, as Alphalens
    /// converts it, compounded once per date; dates without a value leave the curve flat.
    public var cumulativeQuantileReturns: [[Double]]
    /// Per date: top quantile's return minus bottom quantile's.
    public var spread: [Double]
    /// Mean, t-stat and p-value of `spread`.
    public var spreadSummary: ICSummary
    /// Per quantile: mean over dates of the share of the quantile's names at t that were not in
    /// it h dates before (dates where either side is empty are skipped).
    public var turnover: [Double]
    /// Per date: Pearson correlation of today's factor ranks with those h dates before, over the
    /// stocks ranked on both days (Alphalens' `factor_rank_autocorrelation`).
    public var rankAutocorrelation: [Double]
    /// Mean of `rankAutocorrelation` over dates with a value.
    public var meanRankAutocorrelation: Double
}

extension FactorEvaluation {
    /// The same evaluation with the per-date series dropped and the summaries kept: what a
    /// report over many factors holds on to (the daily ICs live in `factor_ic`).
    public var withoutDailySeries: FactorEvaluation {
        var summary = self
        for k in summary.horizons.indices {
            summary.horizons[k].ic = []
            summary.horizons[k].rankIC = []
            summary.horizons[k].stockCounts = []
            summary.horizons[k].quantileReturns = []
            summary.horizons[k].cumulativeQuantileReturns = []
            summary.horizons[k].spread = []
            summary.horizons[k].rankAutocorrelation = []
        }
        return summary
    }
}
