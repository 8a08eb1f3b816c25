import Foundation
import StockSchoolResearch

/// Times evaluating synthetic factors against forward returns for horizons 1, 5, 10 and 20: the
/// per-factor cost of `stockschool evaluate` (158 factors must fit in ~20 ms each).
///
/// The factors mix pure noise, noise correlated with the 5-day return, a coarse (tied) factor,
/// and factors with missing stretches (a new listing's warm-up, scattered gaps), so that both the
/// shared-rank fast path and the re-ranking path are timed.
func benchEvaluate(stocks: Int, dates: Int) {
    let panel = syntheticPanel(stocks: stocks, dates: dates)
    let start = DispatchTime.now().uptimeNanoseconds
    let returns: ForwardReturns
    let evaluator: FactorAnalyzer
    do {
        returns = try ForwardReturns(panel: panel, horizons: [1, 5, 10, 20], convention: .next)
        evaluator = try FactorAnalyzer(forwardReturns: returns)
    } catch {
        print("evaluate: \(error)")
        exit(1)
    }
    let setup = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    print(String(format: "forward returns + shared cross-sections: %.0f ms (once per run)", setup))

    var generator = Generator()
    let cells = stocks * dates
    let fiveDay = returns.values[1]
    var factors: [[Double]] = []
    for index in 0..<20 {
        var factor = (0..<cells).map { _ in generator.normal() }
        switch index % 4 {
        case 1:  // predictive: noise plus the future 5-day return
            for cell in 0..<cells where fiveDay[cell].isFinite { factor[cell] += 20 * fiveDay[cell] }
        case 2:  // coarse: many ties
            for cell in 0..<cells { factor[cell] = (factor[cell] * 2).rounded() }
        case 3:  // missing: the first 60 dates of every tenth stock, and 2% of cells at random
            for stock in stride(from: 0, to: stocks, by: 10) {
                for date in 0..<min(60, dates) { factor[stock * dates + date] = .nan }
            }
            for cell in 0..<cells where generator.uniform() < 0.02 { factor[cell] = .nan }
        default: break
        }
        factors.append(factor)
    }

    var perFactor: [Double] = []
    var checksum = 0.0
    for factor in factors {
        let timing = median(runs: 5) {
            if let evaluation = try? evaluator.evaluate(factor) {
                checksum += evaluation.horizons[1].rankICSummary.mean
            }
        }
        perFactor.append(timing.median * 1000)
    }
    let sorted = perFactor.sorted()
    print(
        String(
            format: "evaluate %d stocks × %d dates, horizons 1,5,10,20: median %.1f ms per factor (min %.1f, max %.1f)",
            stocks, dates, sorted[sorted.count / 2], sorted[0], sorted[sorted.count - 1]))
    print(String(format: "(checksum %.4f)", checksum))
    if let path = ProcessInfo.processInfo.environment["RESEARCHBENCH_DUMP"] {
        dump(factors.compactMap { try? evaluator.evaluate($0) }, to: path)
    }
}

/// Writes every number of `evaluations` as raw little-endian doubles to `path`, so that two builds
/// (before and after an optimisation) can be compared value by value: the timing loop's checksum
/// covers one statistic only.
func dump(_ evaluations: [FactorEvaluation], to path: String) {
    var values: [Double] = []
    func add(_ summary: ICSummary) {
        values += [
            Double(summary.days), summary.mean, summary.std, summary.ir, summary.tStat, summary.pValue,
            summary.positiveShare,
        ]
    }
    for evaluation in evaluations {
        values.append(evaluation.coverage)
        for horizon in evaluation.horizons {
            values += horizon.stockCounts.map(Double.init) + horizon.ic + horizon.rankIC
            add(horizon.icSummary)
            add(horizon.rankICSummary)
            values += horizon.quantileReturns.flatMap { $0 } + horizon.meanQuantileReturns
            values += horizon.cumulativeQuantileReturns.flatMap { $0 } + horizon.spread
            add(horizon.spreadSummary)
            values += horizon.turnover + horizon.rankAutocorrelation + [horizon.meanRankAutocorrelation]
        }
    }
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
    do {
        try data.write(to: URL(fileURLWithPath: path))
        print("wrote \(values.count) values to \(path)")
    } catch {
        print("evaluate: cannot write \(path): \(error)")
    }
}
