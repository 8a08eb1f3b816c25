import StockSchoolFactors

/// Per date and horizon, what every factor's evaluation needs from the forward returns,
/// computed once per `ForwardReturns` instead of once per factor.
///
/// Everything is date-major so that one date's cross-section is contiguous: horizon k's row for
/// date d starts at `(k * dateCount + d) * stockCount`. The stocks with a return on a date (the
/// tradable set T) are ranked once here; a factor whose values cover T reuses those ranks, and
/// one with gaps re-ranks the returns without a sort: from these ranks when only a few stocks
/// are missing, else by walking `order` and skipping its gaps.
///
/// The storage is raw memory, written once in `init` and read-only afterwards, which is what
/// makes sharing it across threads (`@unchecked Sendable`) safe; evaluation reads it through
/// pointers without bounds checks or reference counting in its inner loops.
final class CrossSections: @unchecked Sendable {
    let stockCount: Int
    let dateCount: Int
    let horizonCount: Int
    /// Returns, NaN outside T.
    let returns: UnsafeMutablePointer<Double>
    /// The return's average rank within T, doubled and centred: 2 × rank − (|T| + 1), 0 outside
    /// T. Doubled average ranks are integers, so rank correlations sum them exactly in integers.
    let centredRanks: UnsafeMutablePointer<Int32>
    /// Per horizon and date: Σ `centredRanks`² over T, the rank variance a factor covering T
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

    init(panel: TradingPanel, returns stockMajor: [[Double]]) {
        let stocks = panel.stockCount
        let dates = panel.dateCount
        let horizons = stockMajor.count
        let cells = stocks * dates
        stockCount = stocks
        dateCount = dates
        horizonCount = horizons
        returns = .allocate(capacity: max(1, horizons * cells))
        centredRanks = .allocate(capacity: max(1, horizons * cells))
        rankSquares = .allocate(capacity: max(1, horizons * dates))
        order = .allocate(capacity: max(1, horizons * cells))
        tradable = .allocate(capacity: max(1, horizons * dates))
        sameSetAsPrevious = .allocate(capacity: max(1, horizons * dates))
        traded = .allocate(capacity: max(1, cells))
        tradedCounts = .allocate(capacity: max(1, dates))
        centredRanks.initialize(repeating: 0, count: horizons * cells)
        order.initialize(repeating: 0, count: horizons * cells)
        let shared = SharedPointers(
            returns: returns, ranks: centredRanks, squares: rankSquares, order: order, tradable: tradable,
            same: sameSetAsPrevious, traded: traded, tradedCounts: tradedCounts)
        Parallel.forEachChunk(dates) { chunk in
            let scratch = CrossSectionSort.Scratch(capacity: stocks)
            let entries = UnsafeMutablePointer<CrossSectionSort.Entry>.allocate(capacity: max(1, stocks))
            defer { entries.deallocate() }
            for stock in 0..<stocks {
                for date in chunk { shared.traded[date * stocks + stock] = panel.traded(stock * dates + date) ? 1 : 0 }
            }
            for date in chunk {
                var count: Int32 = 0
                for stock in 0..<stocks { count &+= Int32(shared.traded[date * stocks + stock]) }
                shared.tradedCounts[date] = count
            }
            for (k, values) in stockMajor.enumerated() {
                values.withUnsafeBufferPointer { values in
                    for stock in 0..<stocks {
                        for date in chunk {
                            shared.returns[(k * dates + date) * stocks + stock] = values[stock * dates + date]
                        }
                    }
                }
                for date in chunk {
                    let row = (k * dates + date) * stocks
                    let rowReturns = shared.returns + row
                    let rowOrder = shared.order + row
                    var n = 0
                    for stock in 0..<stocks where rowReturns[stock].isFinite {
                        entries[n] = CrossSectionSort.Entry(value: rowReturns[stock], index: UInt32(stock))
                        n += 1
                    }
                    scratch.sort(entries, count: n)
                    var squares = 0
                    CrossSectionSort.forEachTieGroup(entries, count: n) { range, rank in
                        let centred = Int(rank * 2) - (n + 1)
                        for position in range {
                            rowOrder[position] = entries[position].index
                            shared.ranks[row + Int(entries[position].index)] = Int32(centred)
                        }
                        squares += range.count * centred * centred
                    }
                    shared.squares[k * dates + date] = squares
                    shared.tradable[k * dates + date] = Int32(n)
                    var same = k > 0 && shared.tradable[(k - 1) * dates + date] == Int32(n)
                    var stock = 0
                    while same && stock < stocks {
                        same = rowReturns[stock].isFinite == shared.returns[row - dates * stocks + stock].isFinite
                        stock += 1
                    }
                    shared.same[k * dates + date] = same ? 1 : 0
                }
            }
        }
    }

    deinit {
        returns.deallocate()
        centredRanks.deallocate()
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
        let returns: UnsafeMutablePointer<Double>
        let ranks: UnsafeMutablePointer<Int32>
        let squares: UnsafeMutablePointer<Int>
        let order: UnsafeMutablePointer<UInt32>
        let tradable: UnsafeMutablePointer<Int32>
        let same: UnsafeMutablePointer<UInt8>
        let traded: UnsafeMutablePointer<UInt8>
        let tradedCounts: UnsafeMutablePointer<Int32>
    }
}
