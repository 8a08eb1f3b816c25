import CMemoryHints
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

    /// Dates gathered at a time: 16 consecutive doubles of a stock are two cache lines.
    static let blockDates = 16

    /// How many stocks ahead the gather asks for a stock's lines.
    static let gatherAhead = 16

    /// Per-date results of the first pass, indexed `k * dates + d` (or `(k * quantiles + q) *
    /// dates + d` for per-quantile values), plus the second pass's inputs and outputs.
    ///
    /// Nothing is initialised here: the first pass writes every entry of its dates (which is what
    /// lets `OutputsPool` hand the same buffers to the next factor without clearing them).
    final class Outputs: @unchecked Sendable {
        // @unchecked: each chunk of a pass writes the entries of its own dates only.
        let horizons: Int
        let quantiles: Int
        let stocks: Int
        let dates: Int
        let ic: UnsafeMutablePointer<Double>
        let rankIC: UnsafeMutablePointer<Double>
        let counts: UnsafeMutablePointer<Int32>
        let quantileReturns: UnsafeMutablePointer<Double>
        let quantileCounts: UnsafeMutablePointer<Int32>
        /// The horizon whose rows (`ranks`, `labels`, `memberBits`, `rankSquares`) hold horizon
        /// k's ranks and labels on date d.
        let leader: UnsafeMutablePointer<UInt8>
        let tradedCount: UnsafeMutablePointer<Int32>
        let coveredCount: UnsafeMutablePointer<Int32>
        /// Per leading horizon and date (the row `leader * dates + d`), per stock: 2 × rank
        /// within V, 0 outside V. Only leading horizons' rows of usable dates are written (in
        /// full) and read; the same holds for `labels`, `memberBits` and `rankSquares`.
        let ranks: UnsafeMutablePointer<UInt16>
        /// Per row, per stock: the quantile within V (1…quantiles), 0 outside V.
        let labels: UnsafeMutablePointer<UInt8>
        /// Per row, V as bits (stock s is bit s % 64 of word s / 64): the stocks that entered or
        /// left V between two dates are found a word at a time.
        let memberBits: UnsafeMutablePointer<UInt64>
        let memberWords: Int
        /// Per row: Σ (2 × rank − (n + 1))² over V, the factor's rank variance (×4).
        let rankSquares: UnsafeMutablePointer<Int>
        /// 1 where turnover and autocorrelation are left to the second pass: d − h lies in an
        /// earlier chunk, whose rows the first pass could not rely on yet.
        let pending: UnsafeMutablePointer<UInt8>
        let turnover: UnsafeMutablePointer<Double>
        let autocorrelation: UnsafeMutablePointer<Double>

        init(horizons: Int, quantiles: Int, stocks: Int, dates: Int) {
            self.horizons = horizons
            self.quantiles = quantiles
            self.stocks = stocks
            self.dates = dates
            let perDate = horizons * dates
            ic = .allocate(capacity: perDate)
            rankIC = .allocate(capacity: perDate)
            counts = .allocate(capacity: perDate)
            quantileReturns = .allocate(capacity: perDate * quantiles)
            quantileCounts = .allocate(capacity: perDate * quantiles)
            leader = .allocate(capacity: perDate)
            tradedCount = .allocate(capacity: dates)
            coveredCount = .allocate(capacity: dates)
            ranks = .allocate(capacity: perDate * stocks)
            labels = .allocate(capacity: perDate * stocks)
            memberWords = (stocks + 63) / 64
            memberBits = .allocate(capacity: perDate * memberWords)
            rankSquares = .allocate(capacity: perDate)
            pending = .allocate(capacity: perDate)
            turnover = .allocate(capacity: perDate * quantiles)
            autocorrelation = .allocate(capacity: perDate)
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
            ranks.deallocate()
            labels.deallocate()
            memberBits.deallocate()
            rankSquares.deallocate()
            pending.deallocate()
            turnover.deallocate()
            autocorrelation.deallocate()
        }
    }

    /// Row `index` (`leader * dates + d`) of `Outputs`' ranks, labels and members of V.
    struct RankRow {
        let ranks: UnsafeMutablePointer<UInt16>
        let labels: UnsafeMutablePointer<UInt8>
        let memberBits: UnsafeMutablePointer<UInt64>

        init(_ out: Outputs, _ index: Int) {
            ranks = out.ranks + index * out.stocks
            labels = out.labels + index * out.stocks
            memberBits = out.memberBits + index * out.memberWords
        }
    }

    /// Buffers one thread of the first pass reuses across its dates.
    final class Workspace {
        /// Per date of a block (`blockDates` rows of `stocks`): the factor's values, by stock.
        let values: UnsafeMutablePointer<Double>
        /// The entries of V (stocks that also have a return), in stock order.
        let members: UnsafeMutablePointer<CrossSectionSort.Entry>
        /// The entries of V in ascending order of value.
        let valid: UnsafeMutablePointer<CrossSectionSort.Entry>
        /// Per stock, per lane of `HorizonLanes`: the return's centred doubled rank within V,
        /// when V is smaller than the tradable set.
        let returnRanks: UnsafeMutablePointer<SIMD4<Int16>>
        /// V's stocks in order of one horizon's return.
        let tieMembers: UnsafeMutablePointer<UInt32>
        let edges: UnsafeMutablePointer<Double>
        /// Per quantile, the sum of its members' returns in each lane.
        let sums: UnsafeMutablePointer<SIMD4<Double>>
        /// Per quantile, one past the position of its last member in `valid` (quantiles are
        /// contiguous in sorted order); entry 0 is 0.
        let groupEnds: UnsafeMutablePointer<Int>
        let sorter: CrossSectionSort.Scratch

        init(stocks: Int, quantiles: Int) {
            let capacity = max(1, stocks)
            values = .allocate(capacity: capacity * EvaluationPass.blockDates)
            members = .allocate(capacity: capacity)
            valid = .allocate(capacity: capacity)
            returnRanks = .allocate(capacity: capacity)
            // Lanes a walk does not use are read (and ignored): they must hold numbers.
            returnRanks.initialize(repeating: SIMD4(), count: capacity)
            tieMembers = .allocate(capacity: capacity)
            edges = .allocate(capacity: quantiles + 1)
            sums = .allocate(capacity: quantiles + 1)
            groupEnds = .allocate(capacity: quantiles + 1)
            sorter = CrossSectionSort.Scratch(capacity: capacity)
        }

        deinit {
            values.deallocate()
            members.deallocate()
            valid.deallocate()
            returnRanks.deallocate()
            tieMembers.deallocate()
            edges.deallocate()
            sums.deallocate()
            groupEnds.deallocate()
        }
    }

    func run(convention: ReturnConvention, dates calendar: [TradeDate]) -> FactorEvaluation {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let outputs = OutputsPool.shared.take(
            horizons: horizons.count, quantiles: quantiles, stocks: stocks, dates: dates)
        defer { OutputsPool.shared.recycle(outputs) }
        let factor = SharedFactor(base: factor)
        Parallel.forEachChunk(dates) { chunk in
            let workspace = Workspace(stocks: stocks, quantiles: quantiles)
            let values = workspace.values
            var blockStart = chunk.lowerBound
            while blockStart < chunk.upperBound {
                let blockEnd = min(blockStart + Self.blockDates, chunk.upperBound)
                let width = blockEnd - blockStart
                // Stock-major in, date-major out: the transpose is the gather. Values are copied
                // as they are (NaN included), so no store waits on a count of the last one.
                for stock in 0..<stocks {
                    let source = factor.base + stock * dates + blockStart
                    // Each stock's piece is 2–3 cache lines a column apart from the last: nothing
                    // the hardware prefetcher follows, so the loads stalled on memory (most of
                    // the gather's time) until the lines were asked for ahead.
                    if stock + Self.gatherAhead < stocks {
                        let ahead = source + Self.gatherAhead * dates
                        stockschool_prefetch(ahead)
                        stockschool_prefetch(ahead + width / 2)
                        stockschool_prefetch(ahead + width - 1)
                    }
                    for j in 0..<width { values[j * stocks + stock] = source[j] }
                }
                for date in blockStart..<blockEnd {
                    firstPass(
                        date: date, chunkStart: chunk.lowerBound, values: values + (date - blockStart) * stocks,
                        workspace, outputs)
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
