import Foundation
import StockSchoolCore

extension EvaluationPass {
    /// Turns the passes' per-date buffers into the result: series, their summaries, means over
    /// dates and the cumulative quantile curves.
    func summarize(_ out: Outputs, convention: ReturnConvention, calendar: [TradeDate]) -> FactorEvaluation {
        let dates = crossSections.dateCount
        func series(_ base: UnsafeMutablePointer<Double>, _ start: Int) -> [Double] {
            Array(UnsafeBufferPointer(start: base + start, count: dates))
        }
        var traded = 0
        var covered = 0
        for date in 0..<dates {
            traded += Int(out.tradedCount[date])
            covered += Int(out.coveredCount[date])
        }
        let evaluations = horizons.enumerated().map { k, horizon in
            let ic = series(out.ic, k * dates)
            let rankIC = series(out.rankIC, k * dates)
            let quantileReturns = (0..<quantiles).map { q in series(out.quantileReturns, (k * quantiles + q) * dates) }
            let cumulative = quantileReturns.map { returns in
                var wealth = 1.0
                return returns.map { r in
                    let daily = horizon == 1 ? r : pow(1 + r, 1 / Double(horizon)) - 1
                    if daily.isFinite { wealth *= 1 + daily }
                    return wealth
                }
            }
            let top = quantileReturns[quantiles - 1]
            let bottom = quantileReturns[0]
            let spread = (0..<dates).map { top[$0] - bottom[$0] }
            let turnover = (0..<quantiles).map { q in
                ICSummary(UnsafeBufferPointer(start: out.turnover + (k * quantiles + q) * dates, count: dates)).mean
            }
            let autocorrelation = series(out.autocorrelation, k * dates)
            return HorizonEvaluation(
                horizon: horizon,
                stockCounts: (0..<dates).map { Int(out.counts[k * dates + $0]) },
                ic: ic, rankIC: rankIC, icSummary: ICSummary(ic), rankICSummary: ICSummary(rankIC),
                quantileReturns: quantileReturns, meanQuantileReturns: quantileReturns.map { ICSummary($0).mean },
                cumulativeQuantileReturns: cumulative, spread: spread, spreadSummary: ICSummary(spread),
                turnover: turnover, rankAutocorrelation: autocorrelation,
                meanRankAutocorrelation: ICSummary(autocorrelation).mean)
        }
        return FactorEvaluation(
            convention: convention, quantiles: quantiles, minimumStocks: minimumStocks, dates: calendar,
            coverage: traded > 0 ? Double(covered) / Double(traded) : .nan, horizons: evaluations)
    }
}
