import StockSchoolFactors

/// Per date and horizon, what every factor's evaluation needs from the forward returns,
/// computed once per `ForwardReturns` instead of once per factor.
///
/// Everything is date-major so that one date's cross-section is contiguous: horizon k's row for
/// date d starts at `(k * dateCount + d) * stockCount`. Returns and their ranks are kept in lanes
/// of four horizons per stock (`returnLanes`, `rankLanes`: group g = k / 4, lane k % 4, row
/// `(g * dateCount + d) * stockCount`), so the walk that sums all horizons of a stock at once
/// loads each with one vector load. The stocks with a return on a date (the tradable set T) are
/// ranked once here; a factor whose values cover T reuses those ranks, and one with gaps
/// re-ranks the returns without a sort: from these ranks when only a few stocks are missing,
/// else by walking `order` and skipping its gaps.
///
/// The storage is raw memory, written once in `init` and read-only afterwards, which is what
/// makes sharing it across threads (`@unchecked Sendable`) safe; evaluation reads it through
/// pointers without bounds checks or reference counting in its inner loops.
final class CrossSections: @unchecked Sendable {
    let stockCount: Int
    let dateCount: Int
    let horizonCount: Int
    /// Horizons per lane group (the last group padded).
    static let lanes = 4
    /// Per group, date and stock: the group's returns, NaN outside T (0 in padding lanes).
    let returnLanes: UnsafeMutablePointer<SIMD4<Double>>
    /// Per group, date and stock: the return's average rank within T, doubled and centred:
    /// 2 × rank − (|T| + 1), 0 outside T. Doubled average ranks are integers, so rank
    /// correlations sum them exactly; centred, they fit 16 bits (|T| ≤
    /// `ForwardReturns.maximumStocks`), which halves what every factor reads of them.
    let rankLanes: UnsafeMutablePointer<SIMD4<Int16>>
    /// Per horizon and date, per stock: 1 in T. The returns' NaNs say the same, but 32 bytes
    /// apart; every factor's filtering of V reads this row front to back instead.
    let inTradable: UnsafeMutablePointer<UInt8>
    /// Per horizon and date: Σ centred ranks² over T, the rank variance a factor covering T
    /// needs (×4).
    let rankSquares: UnsafeMutablePointer<Int>
    /// The stocks of T in ascending order of return, in the first `tradable` slots of each row.
    let order: UnsafeMutablePointer<UInt32>
    /// Per horizon and date (`k * dateCount + d`): the size of T.
    let tradable: UnsafeMutablePointer<Int32>
    /// Per horizon and date: 1 when T equals the previous horizon's T, so that everything that
    /// depends on the set only (the factor's ranks and quantiles) is shared.
    let sameSetAsPrevious: UnsafeMutablePointer<UInt8>
    /// 1 where the stock has a bar, date-major (`d * stockCount + s`): coverage's denominator.
    let traded: UnsafeMutablePointer<UInt8>
    /// Per date: the stocks with a bar.
    let tradedCounts: UnsafeMutablePointer<Int32>

    /// Horizon k's lanes on `date`: the group row's first element and k's lane in it.
    @inline(__always) func lanes(k: Int, date: Int) -> (row: Int, lane: Int) {
        ((k / Self.lanes * dateCount + date) * stockCount, k % Self.lanes)
    }

    init(panel: TradingPanel, returns stockMajor: [[Double]]) {
        let stocks = panel.stockCount
        let dates = panel.dateCount
        let horizons = stockMajor.count
        let groups = (horizons + Self.lanes - 1) / Self.lanes
        let cells = stocks * dates
        stockCount = stocks
        dateCount = dates
        horizonCount = horizons
        returnLanes = .allocate(capacity: max(1, groups * cells))
        rankLanes = .allocate(capacity: max(1, groups * cells))
        inTradable = .allocate(capacity: max(1, horizons * cells))
        rankSquares = .allocate(capacity: max(1, horizons * dates))
        order = .allocate(capacity: max(1, horizons * cells))
        tradable = .allocate(capacity: max(1, horizons * dates))
        sameSetAsPrevious = .allocate(capacity: max(1, horizons * dates))
        traded = .allocate(capacity: max(1, cells))
        tradedCounts = .allocate(capacity: max(1, dates))
        let shared = SharedPointers(
            returns: returnLanes, ranks: rankLanes, inTradable: inTradable, squares: rankSquares, order: order,
            tradable: tradable, same: sameSetAsPrevious, traded: traded, tradedCounts: tradedCounts)
        Parallel.forEachChunk(dates) { chunk in
            let scratch = CrossSectionSort.Scratch(capacity: stocks)
            let entries = UnsafeMutablePointer<CrossSectionSort.Entry>.allocate(capacity: max(1, stocks))
            defer { entries.deallocate() }
            // Each chunk clears and fills its own dates' rows (which also spreads the page faults
            // of this memory over the cores). Every return and traded flag is written below;
            // padding lanes and the ranks outside T stay 0.
            for date in chunk {
                for g in 0..<groups {
                    let row = (g * dates + date) * stocks
                    (shared.returns + row).initialize(repeating: SIMD4(), count: stocks)
                    (shared.ranks + row).initialize(repeating: SIMD4(), count: stocks)
                }
                for k in 0..<horizons {
                    (shared.order + (k * dates + date) * stocks).initialize(repeating: 0, count: stocks)
                }
            }
            // Stock-major in, date-major out, a block of dates at a time so that the rows being
            // written stay in cache.
            var blockStart = chunk.lowerBound
            while blockStart < chunk.upperBound {
                let blockEnd = min(blockStart + 16, chunk.upperBound)
                for stock in 0..<stocks {
                    for date in blockStart..<blockEnd {
                        shared.traded[date * stocks + stock] = panel.traded(stock * dates + date) ? 1 : 0
                    }
                }
                for (k, values) in stockMajor.enumerated() {
                    let (g, lane) = (k / Self.lanes, k % Self.lanes)
                    values.withUnsafeBufferPointer { values in
                        for stock in 0..<stocks {
                            for date in blockStart..<blockEnd {
                                shared.returns[(g * dates + date) * stocks + stock][lane] = values[stock * dates + date]
                            }
                        }
                    }
                }
                blockStart = blockEnd
            }
            for date in chunk {
                var count: Int32 = 0
                for stock in 0..<stocks { count &+= Int32(shared.traded[date * stocks + stock]) }
                shared.tradedCounts[date] = count
            }
            for k in 0..<horizons {
                let (g, lane) = (k / Self.lanes, k % Self.lanes)
                for date in chunk {
                    let lanesRow = (g * dates + date) * stocks
                    let row = (k * dates + date) * stocks
                    let rowOrder = shared.order + row
                    let rowTradable = shared.inTradable + row
                    var n = 0
                    for stock in 0..<stocks {
                        let value = shared.returns[lanesRow + stock][lane]
                        let finite = value.isFinite
                        rowTradable[stock] = finite ? 1 : 0
                        guard finite else { continue }
                        entries[n] = CrossSectionSort.Entry(value: value, index: UInt32(stock))
                        n += 1
                    }
                    scratch.sort(entries, count: n)
                    var squares = 0
                    CrossSectionSort.forEachTieGroup(entries, count: n) { range, rank in
                        let centred = Int(rank * 2) - (n + 1)
                        for position in range {
                            rowOrder[position] = entries[position].index
                            shared.ranks[lanesRow + Int(entries[position].index)][lane] = Int16(centred)
                        }
                        squares += range.count * centred * centred
                    }
                    shared.squares[k * dates + date] = squares
                    shared.tradable[k * dates + date] = Int32(n)
                    var same = k > 0 && shared.tradable[(k - 1) * dates + date] == Int32(n)
                    var stock = 0
                    while same && stock < stocks {
                        same = rowTradable[stock] == rowTradable[stock - dates * stocks]
                        stock += 1
                    }
                    shared.same[k * dates + date] = same ? 1 : 0
                }
            }
        }
    }

    deinit {
        returnLanes.deallocate()
        rankLanes.deallocate()
        inTradable.deallocate()
        rankSquares.deallocate()
        order.deallocate()
        tradable.deallocate()
        sameSetAsPrevious.deallocate()
        traded.deallocate()
        tradedCounts.deallocate()
    }

    /// The storage, handed to the chunks of `init` that each fill their own dates.
    private struct SharedPointers: @unchecked Sendable {
        // @unchecked: every chunk writes the rows of its own dates only.
        let returns: UnsafeMutablePointer<SIMD4<Double>>
        let ranks: UnsafeMutablePointer<SIMD4<Int16>>
        let inTradable: UnsafeMutablePointer<UInt8>
        let squares: UnsafeMutablePointer<Int>
        let order: UnsafeMutablePointer<UInt32>
        let tradable: UnsafeMutablePointer<Int32>
        let same: UnsafeMutablePointer<UInt8>
        let traded: UnsafeMutablePointer<UInt8>
        let tradedCounts: UnsafeMutablePointer<Int32>
    }
}
