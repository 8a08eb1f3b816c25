extension EvaluationPass {
    /// Everything about one date that needs only that date (coverage, the factor's ranks and
    /// quantiles within V, IC, RankIC and quantile returns, for every horizon), plus turnover and
    /// rank autocorrelation when date − h was done earlier in the same chunk.
    ///
    /// V is sorted once. Horizons whose tradable set equals the previous horizon's (all of them,
    /// except near the panel's end) share V, and so the ranks and labels, and are walked
    /// together, up to `HorizonLanes.width` at a time.
    func firstPass(
        date: Int, chunkStart: Int, values: UnsafePointer<Double>,
        _ w: Workspace, _ out: Outputs
    ) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let traded = crossSections.traded + date * stocks
        out.tradedCount[date] = crossSections.tradedCounts[date]

        let horizonCount = horizons.count
        var leader = 0
        while leader < horizonCount {
            // The horizons leader..<end share V.
            var end = leader + 1
            while end < horizonCount && crossSections.sameSetAsPrevious[end * dates + date] != 0 { end += 1 }
            let slot = leader * dates + date
            // V in stock order, then sorted: every later walk that reads the date's rows by stock
            // goes through V in stock order, so those rows are read front to back (which the
            // hardware prefetches) instead of in the factor's order (a stall on each line).
            let (valid, covered) = Self.validMembers(
                values, stocks: stocks, inTradable: crossSections.inTradable + slot * stocks, traded: traded,
                into: w.members)
            if leader == 0 { out.coveredCount[date] = Int32(covered) }
            let distinct = w.sorter.sort(w.members, count: valid, into: w.valid)
            let usable = valid >= minimumStocks
            let fullCover = valid == Int(crossSections.tradable[slot])
            for k in leader..<end {
                out.leader[k * dates + date] = UInt8(leader)
                out.counts[k * dates + date] = Int32(valid)
            }
            if usable {
                let rankRow = RankRow(out, slot)
                rankRow.ranks.initialize(repeating: 0, count: stocks)
                rankRow.labels.initialize(repeating: 0, count: stocks)
                Self.writeMemberBits(w.members, count: valid, words: out.memberWords, into: rankRow.memberBits)
                let rankSquares = rankAndCut(valid: valid, distinct: distinct, rankRow: rankRow, w)
                out.rankSquares[slot] = rankSquares
                var first = leader
                while first < end {
                    // Lanes are walked within one group of the returns' lanes.
                    let lanes = HorizonLanes(
                        first: first, count: min(HorizonLanes.width - first % HorizonLanes.width, end - first),
                        date: date, valid: valid, fullCover: fullCover, factorRanks: rankRow.ranks, self, w)
                    correlateAndGroup(
                        lanes, valid: valid, rankRow: rankRow, factorRankSquares: rankSquares, w, out)
                    first += lanes.count
                }
                lagged(leader: leader, end: end, date: date, chunkStart: chunkStart, out)
            } else {
                for k in leader..<end { markUnusable(k: k, date: date, out) }
            }
            leader = end
        }
    }

    /// V in stock order: the stocks whose factor value (`values`, by stock) is finite and that
    /// are in T (1 in `inTradable`), as entries into `members`; also how many stocks with a
    /// finite value traded (coverage's numerator).
    ///
    /// Kept out of line, so the count lives in a register: inlined into `firstPass` it was
    /// spilled, and every entry waited on a store and a load of it. The test is branch-free on
    /// the bits: a finite |x| is below +∞'s bits.
    @inline(never)
    static func validMembers(
        _ values: UnsafePointer<Double>, stocks: Int, inTradable: UnsafePointer<UInt8>, traded: UnsafePointer<UInt8>,
        into members: UnsafeMutablePointer<CrossSectionSort.Entry>
    ) -> (valid: Int, covered: Int) {
        let infinity = Double.infinity.bitPattern
        let magnitudeMask: UInt64 = 0x7FFF_FFFF_FFFF_FFFF
        var valid = 0
        var covered = 0
        for stock in 0..<stocks {
            let value = values[stock]
            members[valid] = CrossSectionSort.Entry(value: value, index: UInt32(truncatingIfNeeded: stock))
            let finite = Int(truncatingIfNeeded: ((value.bitPattern & magnitudeMask) &- infinity) &>> 63)
            valid &+= finite & Int(inTradable[stock])
            covered &+= finite & Int(traded[stock])
        }
        return (valid, covered)
    }

    /// V (`members`, in stock order) as bits. Each word is built in a register: or-ing into
    /// memory made every stock wait on the store of the one before.
    static func writeMemberBits(
        _ members: UnsafePointer<CrossSectionSort.Entry>, count: Int, words: Int,
        into memberBits: UnsafeMutablePointer<UInt64>
    ) {
        memberBits.initialize(repeating: 0, count: words)
        var word = 0
        var bits: UInt64 = 0
        for i in 0..<count {
            let stock = Int(members[i].index)
            if stock &>> 6 != word {
                memberBits[word] = bits
                word = stock &>> 6
                bits = 0
            }
            bits |= 1 &<< UInt64(truncatingIfNeeded: stock & 63)
        }
        if count > 0 { memberBits[word] = bits }
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

    /// Doubled average ranks of the factor within V and pandas-`qcut` labels, into the date's
    /// rank row; `distinct` says the sort found no ties. Returns Σ (2 × rank − (n + 1))², the
    /// factor's rank variance (×4, exact).
    ///
    /// Values ascend, so each quantile is a contiguous range of positions: quantile q ends at
    /// `groupEnds[q]`, the number of values at or below its upper edge (or below an earlier edge,
    /// should rounding put that one higher). That is the first edge a value does not exceed,
    /// which is `quantileLabel`'s rule.
    private func rankAndCut(
        valid: Int, distinct: Bool, rankRow: RankRow, _ w: Workspace
    ) -> Int {
        let entries = w.valid
        let edges = w.edges
        let groupEnds = w.groupEnds
        Statistics.quantileEdges(count: valid, quantiles: quantiles, into: edges) { entries[$0].value }
        groupEnds[0] = 0
        var position = 0
        for q in 1...quantiles {
            let edge = edges[q]
            var high = valid
            while position < high {
                let middle = (position &+ high) &>> 1
                if entries[middle].value <= edge { position = middle &+ 1 } else { high = middle }
            }
            groupEnds[q] = position
        }
        // Ranks as if the values were distinct: 2i + 2 at position i, whose squares sum to
        // Σ (2i + 1 − n)² = n (n² − 1) / 3.
        let (ranks, labels) = (rankRow.ranks, rankRow.labels)
        for q in 1...quantiles {
            let label = UInt8(truncatingIfNeeded: q)
            for i in groupEnds[q - 1]..<groupEnds[q] {
                let stock = Int(entries[i].index)
                ranks[stock] = UInt16(truncatingIfNeeded: 2 &* i &+ 2)
                labels[stock] = label
            }
        }
        var squares = valid &* (valid &* valid &- 1) / 3
        guard !distinct else { return squares }
        // Then each run of equal values gets their average rank. They share their quantile too
        // (labels depend on the value alone), so the labels stand.
        let shift = valid &+ 1
        var next = 1
        while next < valid {
            guard entries[next].value == entries[next &- 1].value else {
                next &+= 1
                continue
            }
            let runStart = next &- 1
            var end = next &+ 1
            while end < valid && entries[end].value == entries[runStart].value { end &+= 1 }
            let doubled = runStart &+ 1 &+ end
            let rank = UInt16(truncatingIfNeeded: doubled)
            for position in runStart..<end {
                let distinctRank = 2 &* position &+ 2 &- shift
                squares &-= distinctRank &* distinctRank
                ranks[Int(entries[position].index)] = rank
            }
            squares &+= (end &- runStart) &* (doubled &- shift) &* (doubled &- shift)
            next = end &+ 1
        }
        return squares
    }

    /// The stocks of T (the tradable set of horizon k, shared by the horizons walked with it)
    /// outside V on `date`, when there are at most four of them: T's stocks without a factor
    /// value (rank 0 in the date's row). Nil when there are more, or when V is not inside T.
    func stocksOutsideValid(k: Int, date: Int, valid: Int, ranks: UnsafePointer<UInt16>) -> SIMD4<UInt32>? {
        let slot = k * crossSections.dateCount + date
        let outside = Int(crossSections.tradable[slot]) - valid
        guard (1...4).contains(outside) else { return nil }
        let inTradable = crossSections.inTradable + slot * crossSections.stockCount
        var found = SIMD4<UInt32>(repeating: UInt32.max)
        var count = 0
        for stock in 0..<crossSections.stockCount where ranks[stock] == 0 && inTradable[stock] != 0 {
            guard count < 4 else { return nil }
            found[count] = UInt32(stock)
            count += 1
        }
        return count == outside ? found : nil
    }

    /// Centred doubled ranks within V of the returns in all four lanes of horizon k's group,
    /// into `target` (for V's stocks), from their centred doubled ranks within T, given T's
    /// stocks `outside` V (unused slots `UInt32.max`). Returns their sums of squares, per lane.
    /// Only the lanes of horizons that share k's T mean anything; the others are computed along.
    ///
    /// A stock's average rank within V is its rank within T less the outside stocks below it,
    /// and half of those equal to it; doubled and centred on |V| + 1 instead of |T| + 1, that is
    /// `centred + |outside| − 2 × below − equal`, exact with ties.
    func rankReturnsWithinValid(
        k: Int, date: Int, valid: Int, outside: SIMD4<UInt32>, into target: UnsafeMutablePointer<SIMD4<Int16>>,
        _ w: Workspace
    ) -> SIMD4<Int> {
        let (row, _) = crossSections.lanes(k: k, date: date)
        let returns = crossSections.returnLanes + row
        let centred = crossSections.rankLanes + row
        // Unused slots hold +∞: no return is above or equal to it.
        func level(_ j: Int) -> SIMD4<Double> {
            outside[j] == UInt32.max ? SIMD4(repeating: .infinity) : returns[Int(outside[j])]
        }
        let (l0, l1, l2, l3) = (level(0), level(1), level(2), level(3))
        var outsideCount = 0
        for j in 0..<4 where outside[j] != UInt32.max { outsideCount += 1 }
        let base = SIMD4<Int64>(repeating: Int64(outsideCount))
        let members = w.members
        var squares = SIMD4<Int64>()
        for i in 0..<valid {
            let stock = Int(members[i].index)
            let r = returns[stock]
            var rank = SIMD4<Int64>(truncatingIfNeeded: centred[stock]) &+ base
            rank &-= SIMD4<Int64>().replacing(with: 2, where: l0 .< r).replacing(with: 1, where: l0 .== r)
            rank &-= SIMD4<Int64>().replacing(with: 2, where: l1 .< r).replacing(with: 1, where: l1 .== r)
            rank &-= SIMD4<Int64>().replacing(with: 2, where: l2 .< r).replacing(with: 1, where: l2 .== r)
            rank &-= SIMD4<Int64>().replacing(with: 2, where: l3 .< r).replacing(with: 1, where: l3 .== r)
            target[stock] = SIMD4<Int16>(truncatingIfNeeded: rank)
            squares &+= rank &* rank
        }
        return SIMD4<Int>(truncatingIfNeeded: squares)
    }

    /// Centred doubled ranks of horizon k's returns within V when V is smaller than the tradable
    /// set, into lane `lane` of `target`: the precomputed return order, walked without the
    /// stocks outside V (those that lack a factor value: rank 0 in the date's row). Returns
    /// their sum of squares.
    func rankReturnsWithinValid(
        k: Int, date: Int, valid: Int, ranks: UnsafePointer<UInt16>, into target: UnsafeMutablePointer<SIMD4<Int16>>,
        lane: Int, _ w: Workspace
    ) -> Int {
        let slot = k * crossSections.dateCount + date
        let order = crossSections.order + slot * crossSections.stockCount
        let (row, kLane) = crossSections.lanes(k: k, date: date)
        let returns = crossSections.returnLanes + row
        let members = w.tieMembers
        let shift = valid + 1
        var squares = 0
        var count = 0
        var groupStart = 0
        var groupValue = Double.nan
        // One walk: V's stocks in return order; a tie group is ranked when the next value differs.
        func rankGroup() {
            let centred = groupStart + 1 + count - shift
            let rank = Int16(truncatingIfNeeded: centred)
            for position in groupStart..<count { target[Int(members[position])][lane] = rank }
            squares &+= (count - groupStart) &* centred &* centred
        }
        for j in 0..<Int(crossSections.tradable[slot]) {
            let stock = order[j]
            guard ranks[Int(stock)] != 0 else { continue }
            let value = returns[Int(stock)][kLane]
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
