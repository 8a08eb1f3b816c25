extension EvaluationPass {
    /// Up to four horizons that share V on one date, walked together: each lane reads its
    /// horizon's returns and return ranks, while everything about the factor (its value, rank and
    /// quantile) is loaded and summed once for all of them.
    ///
    /// Lanes past `count` repeat the first lane's rows; their sums are computed and ignored.
    struct HorizonLanes {
        static let width = 4

        let first: Int
        let count: Int
        let date: Int
        let returns: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>)
        /// Centred doubled return ranks within V (2 × rank − (n + 1)), per stock.
        let ranks: (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>)
        /// Σ ranks² over V, per lane.
        let rankSquares: (Int, Int, Int, Int)

        /// The lanes of horizons `first..<first + count` on `date`. Without full cover the
        /// returns are re-ranked within V into the workspace: from their ranks within T when
        /// only a few of T's stocks lack a factor value, else by walking T in return order.
        init(
            first: Int, count: Int, date: Int, valid: Int, fullCover: Bool, factorRanks: UnsafePointer<UInt16>,
            _ pass: EvaluationPass, _ w: Workspace
        ) {
            self.first = first
            self.count = count
            self.date = date
            let crossSections = pass.crossSections
            let dates = crossSections.dateCount
            let stocks = crossSections.stockCount
            let missing =
                fullCover ? nil : pass.stocksOutsideValid(k: first, date: date, valid: valid, ranks: factorRanks)
            func lane(_ j: Int) -> (UnsafePointer<Double>, UnsafePointer<Int32>, Int) {
                let k = first + min(j, count - 1)
                let slot = k * dates + date
                let returns = UnsafePointer(crossSections.returns + slot * stocks)
                guard !fullCover else {
                    return (
                        returns, UnsafePointer(crossSections.centredRanks + slot * stocks),
                        crossSections.rankSquares[slot]
                    )
                }
                let target = w.returnRanks + min(j, count - 1) * stocks
                guard j < count else { return (returns, UnsafePointer(target), 0) }
                let squares =
                    if let missing {
                        pass.rankReturnsWithinValid(k: k, date: date, valid: valid, outside: missing, into: target, w)
                    } else {
                        pass.rankReturnsWithinValid(
                            k: k, date: date, valid: valid, ranks: factorRanks, into: target, w)
                    }
                return (returns, UnsafePointer(target), squares)
            }
            let l0 = lane(0)
            let l1 = lane(1)
            let l2 = lane(2)
            let l3 = lane(3)
            returns = (l0.0, l1.0, l2.0, l3.0)
            ranks = (l0.1, l1.1, l2.1, l3.1)
            rankSquares = (l0.2, l1.2, l2.2, l3.2)
        }
    }

    /// IC, RankIC and demeaned quantile returns of the lanes' horizons on one date.
    ///
    /// The walk goes through V in stock order, reading each stock's rank and quantile from the
    /// date's rank row, so every row it reads by stock is read front to back. The factor is
    /// centred on its median before summing so the one-pass sums keep their precision when the
    /// factor's level dwarfs its spread. Ranks are doubled and centred on n + 1, so they are
    /// integers summing to zero and their products are summed exactly in integers; that gives the
    /// same doubles as summing the halved ranks in floating point, which is exact too. Each
    /// lane's floating-point sums are the same operations, in the same order, as a walk over that
    /// horizon alone.
    func correlateAndGroup(
        _ lanes: HorizonLanes, valid: Int, rankRow: RankRow, factorRankSquares: Int, _ w: Workspace,
        _ out: Outputs
    ) {
        let byStock = w.members
        let groupEnds = w.groupEnds
        let sums = w.sums
        let (ranks, labels) = (rankRow.ranks, rankRow.labels)
        let (r0, r1, r2, r3) = lanes.returns
        let (b0, b1, b2, b3) = lanes.ranks
        let pivot = w.valid[valid / 2].value
        let shift = valid + 1
        var sf = 0.0
        var sff = 0.0
        var srr = SIMD4<Double>()
        var sfr = SIMD4<Double>()
        var sab0 = 0
        var sab1 = 0
        var sab2 = 0
        var sab3 = 0
        for q in 0...quantiles { sums[q] = SIMD4() }
        for i in 0..<valid {
            let entry = byStock[i]
            let stock = Int(entry.index)
            let f = entry.value - pivot
            let r = SIMD4(r0[stock], r1[stock], r2[stock], r3[stock])
            let a = Int(ranks[stock]) &- shift
            sf += f
            sff += f * f
            sums[Int(labels[stock])] += r
            srr += r * r
            sfr += f * r
            sab0 &+= a &* Int(b0[stock])
            sab1 &+= a &* Int(b1[stock])
            sab2 &+= a &* Int(b2[stock])
            sab3 &+= a &* Int(b3[stock])
        }
        var sr = SIMD4<Double>()
        for q in 1...quantiles { sr += sums[q] }
        let n = Double(valid)
        let dates = crossSections.dateCount
        let date = lanes.date
        let factorVariance = sff - sf * sf / n
        let factorRankVariance = Double(factorRankSquares) * 0.25
        func write(lane j: Int, rankProducts: Int, returnRankSquares: Int) {
            let k = lanes.first + j
            let slot = k * dates + date
            out.ic[slot] = Statistics.correlation(
                sxy: sfr[j] - sf * sr[j] / n, sxx: factorVariance, syy: srr[j] - sr[j] * sr[j] / n)
            out.rankIC[slot] = Statistics.correlation(
                sxy: Double(rankProducts) * 0.25, sxx: factorRankVariance, syy: Double(returnRankSquares) * 0.25)
            let mean = sr[j] / n
            for q in 1...quantiles {
                let index = (k * quantiles + q - 1) * dates + date
                let members = groupEnds[q] - groupEnds[q - 1]
                out.quantileReturns[index] = members > 0 ? sums[q][j] / Double(members) - mean : .nan
                out.quantileCounts[index] = Int32(members)
            }
        }
        write(lane: 0, rankProducts: sab0, returnRankSquares: lanes.rankSquares.0)
        if lanes.count > 1 { write(lane: 1, rankProducts: sab1, returnRankSquares: lanes.rankSquares.1) }
        if lanes.count > 2 { write(lane: 2, rankProducts: sab2, returnRankSquares: lanes.rankSquares.2) }
        if lanes.count > 3 { write(lane: 3, rankProducts: sab3, returnRankSquares: lanes.rankSquares.3) }
    }
}
