import StockSchoolCore

extension SampleMarket {
    /// The days `index_weight` publishes a snapshot of 000300.SH: the first open day of the range
    /// (the simulated index starts there, so research has a membership from day one) and the
    /// last open day of every calendar month that ends inside the range, like the real monthly
    /// snapshots.
    var indexSnapshotDays: [Int] {
        guard dayCount > 0 else { return [] }
        var result = [0]
        for d in 0..<dayCount {
            let monthEnds =
                d + 1 < dayCount
                ? days[d + 1].month != days[d].month
                : configuration.end.addingDays(1).month != configuration.end.month
            if monthEnds && d > 0 { result.append(d) }
        }
        return result
    }

    /// Tushare `index_weight` for 000300.SH: every snapshot dated `start…end`, sorted by date
    /// then constituent.
    ///
    /// A snapshot lists the members the simulated index level is computed from on that day — the
    /// 300 largest listed non-ST stocks by float market value, chosen on the first day and at
    /// the June and December rebalances (`SampleGenerator.makeIndex`), minus members delisted
    /// since — so membership changes twice a year and on delistings, and a universe with fewer
    /// than 300 eligible stocks lists them all. `weight` is each member's float market value at
    /// that day's close (its last close when suspended) over the members' total, in percent,
    /// rounded to 4 decimals.
    public func indexWeight(start: TradeDate, end: TradeDate) -> [IndexWeight] {
        var rows: [IndexWeight] = []
        var rebalance = 0
        for d in indexSnapshotDays {
            while rebalance + 1 < index.constituents.count && index.constituents[rebalance + 1].day <= d {
                rebalance += 1
            }
            guard days[d] >= start, days[d] <= end, rebalance < index.constituents.count else { continue }
            var caps: [(stock: Int, cap: Double)] = []
            for s in index.constituents[rebalance].stocks where d < profiles[s].endIndex {
                let price = lastTradedClose(stock: s, onOrBefore: d)
                guard price > 0 else { continue }
                caps.append((s, Double(price) / 100 * events[s].shares(on: d).float))
            }
            let total = caps.reduce(0) { $0 + $1.cap }
            guard total > 0 else { continue }
            for (s, cap) in caps {
                rows.append(
                    IndexWeight(
                        indexCode: Self.indexCode, conCode: profiles[s].code, tradeDate: days[d],
                        weight: SampleGenerator.round(cap / total * 100, places: 4)))
            }
        }
        return rows
    }

    /// The stock's close on `day`, or its last one before, in fen; 0 if it has none.
    private func lastTradedClose(stock s: Int, onOrBefore day: Int) -> Int32 {
        let base = s * dayCount
        var k = day
        while k >= 0 {
            switch columns.status[base + k] {
            case 2: return columns.close[base + k]
            case 0: return 0
            default: k -= 1
            }
        }
        return 0
    }
}
