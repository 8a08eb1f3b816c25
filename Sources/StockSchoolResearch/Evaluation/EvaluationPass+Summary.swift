import Foundation
import StockSchoolCore
import StockSchoolFactors

extension EvaluationPass {
    /// Turns the passes' per-date buffers into the result: series, their summaries, means over
    /// dates and the cumulative quantile curves. Horizons are independent (and the curves' `pow`
    /// calls are the bulk of it), so they are summarised on all cores.
    func summarize(_ out: Outputs, convention: ReturnConvention, calendar: [TradeDate]) -> FactorEvaluation {
        let dates = crossSections.dateCount
        var traded = 0
        var covered = 0
        for date in 0..<dates {
            traded += Int(out.tradedCount[date])
            covered += Int(out.coveredCount[date])
        }
        var evaluations = [HorizonEvaluation?](repeating: nil, count: horizons.count)
        evaluations.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let slots = SummarySlots(base: base)
            Parallel.forEachChunk(horizons.count, minimumChunk: 1, chunksPerCore: 2) { chunk in
                for k in chunk { slots.base[k] = summarize(k: k, out) }
            }
        }
        return FactorEvaluation(
            convention: convention, quantiles: quantiles, minimumStocks: minimumStocks, dates: calendar,
            coverage: traded > 0 ? Double(covered) / Double(traded) : .nan, horizons: evaluations.compactMap { $0 })
    }

    /// Horizon k's evaluation.
    private func summarize(k: Int, _ out: Outputs) -> HorizonEvaluation {
        let dates = crossSections.dateCount
        let horizon = horizons[k]
        func series(_ base: UnsafeMutablePointer<Double>, _ start: Int) -> [Double] {
            Array(UnsafeBufferPointer(start: base + start, count: dates))
        }
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

    private struct SummarySlots: @unchecked Sendable {
        // @unchecked: each chunk of `summarize` writes the slots of its own horizons only.
        let base: UnsafeMutablePointer<HorizonEvaluation?>
    }
}
