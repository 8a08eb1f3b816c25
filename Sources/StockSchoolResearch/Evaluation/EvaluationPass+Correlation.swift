import CMemoryHints

extension EvaluationPass {
    /// Up to four horizons of one lane group (`CrossSections.lanes`) that share V on one date,
    /// walked together: a stock's returns and return ranks for all of them are one vector load
    /// each, while everything about the factor (its value, rank and quantile) is loaded and summed
    /// once for all of them.
    ///
    /// Lanes outside `offset..<offset + count` belong to other horizons (or pad the group); their
    /// sums are computed and ignored.
    struct HorizonLanes {
        static let width = CrossSections.lanes

        let first: Int
        let count: Int
        let date: Int
        /// The lane of horizon `first`.
        let offset: Int
        /// The group's returns on `date`, per stock.
        let returns: UnsafePointer<SIMD4<Double>>
        /// Centred doubled return ranks within V (2 × rank − (n + 1)), per stock: the
        /// precomputed ranks within T when V is T, else re-ranked into the workspace.
        let ranks: UnsafePointer<SIMD4<Int16>>
        /// Σ ranks² over V, per lane.
        let rankSquares: SIMD4<Int>

        /// The lanes of horizons `first..<first + count` on `date`, which must lie in one lane
        /// group. Without full cover the returns are re-ranked within V into the workspace: from
        /// their ranks within T when only a few of T's stocks lack a factor value, else by
        /// walking T in return order.
        init(
            first: Int, count: Int, date: Int, valid: Int, fullCover: Bool, factorRanks: UnsafePointer<UInt16>,
            _ pass: EvaluationPass, _ w: Workspace
        ) {
            let crossSections = pass.crossSections
            let (row, offset) = crossSections.lanes(k: first, date: date)
            precondition(offset + count <= Self.width, "horizons \(first)..<\(first + count) span two lane groups")
            self.first = first
            self.count = count
            self.date = date
            self.offset = offset
            returns = UnsafePointer(crossSections.returnLanes + row)
            var squares = SIMD4<Int>()
            if fullCover {
                ranks = UnsafePointer(crossSections.rankLanes + row)
                for j in 0..<count {
                    squares[offset + j] = crossSections.rankSquares[(first + j) * crossSections.dateCount + date]
                }
            } else {
                ranks = UnsafePointer(w.returnRanks)
                if let missing = pass.stocksOutsideValid(k: first, date: date, valid: valid, ranks: factorRanks) {
                    squares = pass.rankReturnsWithinValid(
                        k: first, date: date, valid: valid, outside: missing, into: w.returnRanks, w)
                } else {
                    for j in 0..<count {
                        squares[offset + j] = pass.rankReturnsWithinValid(
                            k: first + j, date: date, valid: valid, ranks: factorRanks, into: w.returnRanks,
                            lane: offset + j, w)
                    }
                }
            }
            rankSquares = squares
        }
    }

    /// How many stocks of V ahead `correlateAndGroup` asks for a stock's return and rank lanes.
    static let correlateAhead = 16

    /// IC, RankIC and demeaned quantile returns of the lanes' horizons on one date.
    ///
    /// The walk goes through V in stock order, reading each stock's rank and quantile from the
    /// date's rank row, so every row it reads by stock is read front to back. The factor is
    /// centred on its median before summing so the one-pass sums keep their precision when the
    /// factor's level dwarfs its spread. Ranks are doubled and centred on n + 1, so they are
    /// integers summing to zero, and their products are integers below 2⁵³ whose sums stay
    /// there too: summed in doubles they are exact, the same as summing the halved ranks. Each
    /// lane's floating-point sums are the same operations, in the same order, as a walk over
    /// that horizon alone.
    func correlateAndGroup(
        _ lanes: HorizonLanes, valid: Int, rankRow: RankRow, factorRankSquares: Int, _ w: Workspace,
        _ out: Outputs
    ) {
        let byStock = w.members
        let groupEnds = w.groupEnds
        let sums = w.sums
        let (ranks, labels) = (rankRow.ranks, rankRow.labels)
        let returns = lanes.returns
        let returnRanks = lanes.ranks
        let pivot = w.valid[valid / 2].value
        let shift = valid + 1
        var sf = 0.0
        var sff = 0.0
        var srr = SIMD4<Double>()
        var sfr = SIMD4<Double>()
        var sab = SIMD4<Double>()
        for q in 0...quantiles { sums[q] = SIMD4() }
        let ahead = Self.correlateAhead
        for i in 0..<valid {
            let entry = byStock[i]
            let stock = Int(entry.index)
            // The group's rows of a date come from beyond L2 for every factor; the hardware's own
            // prefetch did not keep up with a walk that skips the stocks outside V.
            if i &+ ahead < valid {
                let later = Int(byStock[i &+ ahead].index)
                stockschool_prefetch(returns + later)
                stockschool_prefetch(returnRanks + later)
            }
            let f = entry.value - pivot
            let r = returns[stock]
            let a = Double(Int(ranks[stock]) &- shift)
            sf += f
            sff += f * f
            sums[Int(labels[stock])] += r
            srr += r * r
            sfr += f * r
            sab += a * SIMD4<Double>(returnRanks[stock])
        }
        var sr = SIMD4<Double>()
        for q in 1...quantiles { sr += sums[q] }
        let n = Double(valid)
        let dates = crossSections.dateCount
        let date = lanes.date
        let factorVariance = sff - sf * sf / n
        let factorRankVariance = Double(factorRankSquares) * 0.25
        for j in 0..<lanes.count {
            let k = lanes.first + j
            let lane = lanes.offset + j
            let slot = k * dates + date
            out.ic[slot] = Statistics.correlation(
                sxy: sfr[lane] - sf * sr[lane] / n, sxx: factorVariance, syy: srr[lane] - sr[lane] * sr[lane] / n)
            out.rankIC[slot] = Statistics.correlation(
                sxy: sab[lane] * 0.25, sxx: factorRankVariance, syy: Double(lanes.rankSquares[lane]) * 0.25)
            let mean = sr[lane] / n
            for q in 1...quantiles {
                let index = (k * quantiles + q - 1) * dates + date
                let members = groupEnds[q] - groupEnds[q - 1]
                out.quantileReturns[index] = members > 0 ? sums[q][lane] / Double(members) - mean : .nan
                out.quantileCounts[index] = Int32(members)
            }
        }
    }
}
