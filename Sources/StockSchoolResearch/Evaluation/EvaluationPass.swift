import Foundation
import StockSchoolCore
import StockSchoolFactors

/// One factor's evaluation against one `CrossSections`: the date-parallel passes of
/// `FactorAnalyzer`, writing per-date results into raw buffers, then the summaries over dates.
struct EvaluationPass {
    let crossSections: CrossSections
    let horizons: [Int]
    let quantiles: Int
    let minimumStocks: Int
    let factor: UnsafePointer<Double>

    /// Dates transposed at a time: 16 consecutive doubles of a stock are two cache lines.
    static let blockDates = 16

    /// Per-date results of the first pass, indexed `k * dates + d` (or `(k * quantiles + q) *
    /// dates + d` for per-quantile values), plus the second pass's inputs and outputs.
    final class Outputs: @unchecked Sendable {
        // @unchecked: each chunk of a pass writes the entries of its own dates only.
        let ic: UnsafeMutablePointer<Double>
        let rankIC: UnsafeMutablePointer<Double>
        let counts: UnsafeMutablePointer<Int32>
        let quantileReturns: UnsafeMutablePointer<Double>
        let quantileCounts: UnsafeMutablePointer<Int32>
        /// The horizon whose `packed` row holds horizon k's ranks and labels on date d.
        let leader: UnsafeMutablePointer<UInt8>
        let tradedCount: UnsafeMutablePointer<Int32>
        let coveredCount: UnsafeMutablePointer<Int32>
        /// Per leading horizon and date, per stock: (2 × rank) << 8 | quantile, 0 outside V.
        let packed: UnsafeMutablePointer<UInt32>
        let turnover: UnsafeMutablePointer<Double>
        let autocorrelation: UnsafeMutablePointer<Double>

        init(horizons: Int, quantiles: Int, stocks: Int, dates: Int) {
            let perDate = horizons * dates
            ic = .allocate(capacity: perDate)
            ic.initialize(repeating: .nan, count: perDate)
            rankIC = .allocate(capacity: perDate)
            rankIC.initialize(repeating: .nan, count: perDate)
            counts = .allocate(capacity: perDate)
            counts.initialize(repeating: 0, count: perDate)
            quantileReturns = .allocate(capacity: perDate * quantiles)
            quantileReturns.initialize(repeating: .nan, count: perDate * quantiles)
            quantileCounts = .allocate(capacity: perDate * quantiles)
            quantileCounts.initialize(repeating: 0, count: perDate * quantiles)
            leader = .allocate(capacity: perDate)
            leader.initialize(repeating: 0, count: perDate)
            tradedCount = .allocate(capacity: dates)
            tradedCount.initialize(repeating: 0, count: dates)
            coveredCount = .allocate(capacity: dates)
            coveredCount.initialize(repeating: 0, count: dates)
            // Only the leading horizons' rows are written (in full) and read.
            packed = .allocate(capacity: perDate * stocks)
            turnover = .allocate(capacity: perDate * quantiles)
            turnover.initialize(repeating: .nan, count: perDate * quantiles)
            autocorrelation = .allocate(capacity: perDate)
            autocorrelation.initialize(repeating: .nan, count: perDate)
        }

        deinit {
            ic.deallocate()
            rankIC.deallocate()
            counts.deallocate()
            quantileReturns.deallocate()
            quantileCounts.deallocate()
            leader.deallocate()
            tradedCount.deallocate()
            coveredCount.deallocate()
            packed.deallocate()
            turnover.deallocate()
            autocorrelation.deallocate()
        }
    }

    /// Buffers one thread of the first pass reuses across its dates.
    final class Workspace {
        let block: UnsafeMutablePointer<Double>
        /// The factor's finite values on the date, sorted.
        let entries: UnsafeMutablePointer<CrossSectionSort.Entry>
        /// The sorted entries of V (stocks that also have a return).
        let valid: UnsafeMutablePointer<CrossSectionSort.Entry>
        let validRanks: UnsafeMutablePointer<Double>
        let returnRanks: UnsafeMutablePointer<Float>
        let tieEntries: UnsafeMutablePointer<CrossSectionSort.Entry>
        let edges: UnsafeMutablePointer<Double>
        let sums: UnsafeMutablePointer<Double>
        /// Per quantile, one past the position of its last member in `valid` (quantiles are
        /// contiguous in sorted order); entry 0 is 0.
        let groupEnds: UnsafeMutablePointer<Int>
        let sorter: CrossSectionSort.Scratch

        init(stocks: Int, quantiles: Int) {
            let capacity = max(1, stocks)
            block = .allocate(capacity: capacity * EvaluationPass.blockDates)
            entries = .allocate(capacity: capacity)
            valid = .allocate(capacity: capacity)
            validRanks = .allocate(capacity: capacity)
            returnRanks = .allocate(capacity: capacity)
            tieEntries = .allocate(capacity: capacity)
            edges = .allocate(capacity: quantiles + 1)
            sums = .allocate(capacity: quantiles + 1)
            groupEnds = .allocate(capacity: quantiles + 1)
            sorter = CrossSectionSort.Scratch(capacity: capacity)
        }

        deinit {
            block.deallocate()
            entries.deallocate()
            valid.deallocate()
            validRanks.deallocate()
            returnRanks.deallocate()
            tieEntries.deallocate()
            edges.deallocate()
            sums.deallocate()
            groupEnds.deallocate()
        }
    }

    func run(convention: ReturnConvention, dates calendar: [TradeDate]) -> FactorEvaluation {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let outputs = Outputs(horizons: horizons.count, quantiles: quantiles, stocks: stocks, dates: dates)
        let factor = SharedFactor(base: factor)
        Parallel.forEachChunk(dates) { chunk in
            let workspace = Workspace(stocks: stocks, quantiles: quantiles)
            var blockStart = chunk.lowerBound
            while blockStart < chunk.upperBound {
                let blockEnd = min(blockStart + Self.blockDates, chunk.upperBound)
                let width = blockEnd - blockStart
                for stock in 0..<stocks {
                    let source = factor.base + stock * dates + blockStart
                    for j in 0..<width { workspace.block[j * stocks + stock] = source[j] }
                }
                for date in blockStart..<blockEnd {
                    firstPass(date: date, factorRow: workspace.block + (date - blockStart) * stocks, workspace, outputs)
                }
                blockStart = blockEnd
            }
        }
        Parallel.forEachChunk(dates) { chunk in
            for date in chunk { secondPass(date: date, outputs) }
        }
        return summarize(outputs, convention: convention, calendar: calendar)
    }

    private struct SharedFactor: @unchecked Sendable {
        // @unchecked: read-only for the whole evaluation.
        let base: UnsafePointer<Double>
    }
}
