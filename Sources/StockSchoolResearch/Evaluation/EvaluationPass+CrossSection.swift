extension EvaluationPass {
    /// Everything about one date that needs only that date (coverage, the factor's ranks and
    /// quantiles within V, IC, RankIC and quantile returns, for every horizon), plus turnover and
    /// rank autocorrelation when date − h was done earlier in the same chunk.
    ///
    /// V is sorted once. Horizons whose tradable set equals the previous horizon's (all of them,
    /// except near the panel's end) share V, and so the ranks and labels, and are walked
    /// together, up to `HorizonLanes.width` at a time.
    func firstPass(
        date: Int, chunkStart: Int, entries: UnsafeMutablePointer<CrossSectionSort.Entry>, finite: Int,
        _ w: Workspace, _ out: Outputs
    ) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let traded = crossSections.traded + date * stocks
        var tradedCount = 0
        for stock in 0..<stocks { tradedCount &+= Int(traded[stock]) }
        var covered = 0
        for i in 0..<finite { covered &+= Int(traded[Int(entries[i].index)]) }
        out.tradedCount[date] = Int32(tradedCount)
        out.coveredCount[date] = Int32(covered)

        let horizonCount = horizons.count
        var leader = 0
        while leader < horizonCount {
            // The horizons leader..<end share V.
            var end = leader + 1
            while end < horizonCount && crossSections.sameSetAsPrevious[end * dates + date] != 0 { end += 1 }
            let slot = leader * dates + date
            let row = slot * stocks
            let returns = crossSections.returns + row
            // V in stock order, then sorted: every later walk that reads the date's rows by stock
            // goes through V in stock order, so those rows are read front to back (which the
            // hardware prefetches) instead of in the factor's order (a stall on each line).
            let members = w.members
            var valid = 0
            for i in 0..<finite {
                let entry = entries[i]
                members[valid] = entry
                valid &+= returns[Int(entry.index)].isNaN ? 0 : 1
            }
            w.sorter.sort(members, count: valid, into: w.valid)
            let usable = valid >= minimumStocks
            let fullCover = valid == Int(crossSections.tradable[slot])
            for k in leader..<end {
                out.leader[k * dates + date] = UInt8(leader)
                out.counts[k * dates + date] = Int32(valid)
            }
            if usable {
                let packedRow = out.packed + row
                packedRow.initialize(repeating: 0, count: stocks)
                let rankSquares = rankAndCut(valid: valid, packedRow: packedRow, w)
                var first = leader
                while first < end {
                    let lanes = HorizonLanes(
                        first: first, count: min(HorizonLanes.width, end - first), date: date, valid: valid,
                        fullCover: fullCover, packedRow: packedRow, self, w)
                    correlateAndGroup(
                        lanes, valid: valid, packedRow: packedRow, factorRankSquares: rankSquares, w, out)
                    first += lanes.count
                }
                lagged(
                    leader: leader, end: end, date: date, chunkStart: chunkStart, valid: valid, packedRow: packedRow,
                    factorRankSquares: rankSquares, w, out)
            } else {
                for k in leader..<end { markUnusable(k: k, date: date, out) }
            }
            leader = end
        }
    }

    /// The entries of a date without enough stocks in V: no statistics at all.
    private func markUnusable(k: Int, date: Int, _ out: Outputs) {
        let dates = crossSections.dateCount
        out.ic[k * dates + date] = .nan
        out.rankIC[k * dates + date] = .nan
        out.autocorrelation[k * dates + date] = .nan
        out.pending[k * dates + date] = 0
        for q in 0..<quantiles {
            let index = (k * quantiles + q) * dates + date
            out.quantileReturns[index] = .nan
            out.quantileCounts[index] = 0
            out.turnover[index] = .nan
        }
    }

    /// Doubled average ranks of the factor within V and pandas-`qcut` labels, into the
    /// workspace and the date's packed row. Returns Σ (2 × rank − (n + 1))², the factor's rank
    /// variance (×4, exact).
    private func rankAndCut(valid: Int, packedRow: UnsafeMutablePointer<UInt32>, _ w: Workspace) -> Int {
        let entries = w.valid
        let ranks = w.validRanks
        let shift = valid + 1
        var squares = 0
        var start = 0
        while start < valid {
            let value = entries[start].value
            var end = start + 1
            while end < valid && entries[end].value == value { end += 1 }
            let doubled = start + 1 + end
            for position in start..<end { ranks[position] = Int32(doubled) }
            squares &+= (end - start) &* (doubled - shift) &* (doubled - shift)
            start = end
        }
        Statistics.quantileEdges(count: valid, quantiles: quantiles, into: w.edges) { entries[$0].value }
        // Values ascend, so the number of edges strictly below the value only grows, and each
        // quantile is a contiguous range of positions: quantile q ends at `groupEnds[q]`.
        let edges = w.edges
        let groupEnds = w.groupEnds
        var below = 0
        for q in 0...quantiles { groupEnds[q] = 0 }
        for i in 0..<valid {
            let value = entries[i].value
            while below <= quantiles && edges[below] < value { below += 1 }
            let label = max(1, below)
            groupEnds[label] = i + 1
            packedRow[Int(entries[i].index)] = UInt32(ranks[i]) << 8 | UInt32(label)
        }
        for q in 1...quantiles { groupEnds[q] = max(groupEnds[q], groupEnds[q - 1]) }
        return squares
    }

    /// Centred doubled ranks of horizon k's returns within V when V is smaller than the tradable
    /// set, into `target`: the precomputed return order, walked without the stocks outside V
    /// (those that lack a factor value: 0 in the date's packed row). Returns their sum of squares.
    func rankReturnsWithinValid(
        k: Int, date: Int, valid: Int, packedRow: UnsafePointer<UInt32>, into target: UnsafeMutablePointer<Int32>,
        _ w: Workspace
    ) -> Int {
        let slot = k * crossSections.dateCount + date
        let row = slot * crossSections.stockCount
        let order = crossSections.order + row
        let returns = crossSections.returns + row
        let members = w.tieMembers
        let shift = valid + 1
        var squares = 0
        var count = 0
        var groupStart = 0
        var groupValue = Double.nan
        // One walk: V's stocks in return order; a tie group is ranked when the next value differs.
        func rankGroup() {
            let centred = groupStart + 1 + count - shift
            for position in groupStart..<count { target[Int(members[position])] = Int32(centred) }
            squares &+= (count - groupStart) &* centred &* centred
        }
        for j in 0..<Int(crossSections.tradable[slot]) {
            let stock = order[j]
            guard packedRow[Int(stock)] != 0 else { continue }
            let value = returns[Int(stock)]
            if value != groupValue {
                rankGroup()
                groupStart = count
                groupValue = value
            }
            members[count] = stock
            count += 1
        }
        rankGroup()
        return squares
    }
}
