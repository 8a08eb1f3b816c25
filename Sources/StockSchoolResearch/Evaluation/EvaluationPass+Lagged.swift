extension EvaluationPass {
    /// Statistics that compare date d with date d − h, from the ranks and labels packed per stock
    /// for d − h: factor rank autocorrelation and quantile turnover, for the horizons
    /// `leader..<end` (which share V of d).
    ///
    /// Rank autocorrelation is Alphalens' `factor_rank_autocorrelation`: Pearson's correlation of
    /// the two days' ranks (each ranked within its own day's V) over the stocks in both. Ranks
    /// are stored doubled, so they are integers and the sums are exact. Turnover of quantile q is
    /// the share of q's names at d that were not in q at d − h (Alphalens' `quantile_turnover`),
    /// defined when q has names on both days.
    ///
    /// Called by the first pass right after date d's ranks and quantiles, while they are at hand.
    /// When d − h lies before the chunk, another thread may not have written that row yet, so
    /// the date is left to `secondPass`. The other horizons are walked together, up to four at a
    /// time (`laggedLanes`).
    func lagged(
        leader: Int, end: Int, date: Int, chunkStart: Int, valid: Int, packedRow: UnsafePointer<UInt32>,
        factorRankSquares: Int, _ w: Workspace, _ out: Outputs
    ) {
        let dates = crossSections.dateCount
        var lanes = SIMD4<Int>()
        var laneCount = 0
        for k in leader..<end {
            let horizon = horizons[k]
            let slot = k * dates + date
            out.autocorrelation[slot] = .nan
            for q in 0..<quantiles { out.turnover[(k * quantiles + q) * dates + date] = .nan }
            out.pending[slot] = 0
            guard date >= horizon else { continue }
            guard date - horizon >= chunkStart else {
                out.pending[slot] = 1
                continue
            }
            guard out.counts[slot - horizon] >= minimumStocks else { continue }
            lanes[laneCount] = k
            laneCount += 1
            if laneCount == lanes.scalarCount {
                laggedLanes(
                    lanes, count: laneCount, date: date, valid: valid, packedRow: packedRow,
                    factorRankSquares: factorRankSquares, w, out)
                laneCount = 0
            }
        }
        if laneCount > 0 {
            laggedLanes(
                lanes, count: laneCount, date: date, valid: valid, packedRow: packedRow,
                factorRankSquares: factorRankSquares, w, out)
        }
    }

    /// One walk over V of d for up to four horizons, in stock order: per stock, its rank and
    /// quantile at d are loaded once from d's packed row and looked up in each horizon's packed
    /// row of d − h, the four lanes summed side by side; every row is read front to back. Lanes
    /// past the horizons given repeat the last one's row and are ignored.
    ///
    /// The sums of y, y² and x·y are kept in doubles: every term and partial sum is an integer
    /// below 2⁵³ (ranks are at most twice the stocks), so they are exact, in any order.
    /// `factorRankSquares` is Σ (x − (n + 1))² over V of d, for the doubled ranks x: with Σ x =
    /// n (n + 1) it gives the sums over all of V, and the walk subtracts the few stocks that were
    /// not in V of d − h instead of adding up the many that were.
    private func laggedLanes(
        _ ks: SIMD4<Int>, count: Int, date: Int, valid: Int, packedRow: UnsafePointer<UInt32>, factorRankSquares: Int,
        _ w: Workspace, _ out: Outputs
    ) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        func before(_ j: Int) -> UnsafePointer<UInt32> {
            let k = ks[min(j, count - 1)]
            let previous = k * dates + date - horizons[k]
            return UnsafePointer(out.packed + (Int(out.leader[previous]) * dates + date - horizons[k]) * stocks)
        }
        let (b0, b1, b2, b3) = (before(0), before(1), before(2), before(3))
        let byStock = w.members
        let groupEnds = w.groupEnds
        let fresh = w.fresh
        let allX = valid &* (valid &+ 1)
        let allXX = factorRankSquares &+ valid &* (valid &+ 1) &* (valid &+ 1)
        var sy = SIMD4<Double>()
        var syy = SIMD4<Double>()
        var sxy = SIMD4<Double>()
        // Per lane: the stocks of V of d outside V of d − h, and their x and x².
        var missing = SIMD4<Int>()
        var missingX = SIMD4<Int>()
        var missingXX = SIMD4<Int>()
        for q in 0...quantiles { fresh[q] = SIMD4() }
        for i in 0..<valid {
            let stock = Int(byStock[i].index)
            let packed = packedRow[stock]
            let label = Int(packed & 255)
            let b = SIMD4(b0[stock], b1[stock], b2[stock], b3[stock])
            let y = SIMD4<Double>(SIMD4<Int32>(truncatingIfNeeded: b &>> 8))  // 0 outside d − h's V
            let xInt = Int(packed &>> 8)
            let x = SIMD4<Double>(repeating: Double(xInt))
            fresh[label] &+= SIMD4<UInt32>().replacing(with: 1, where: b & 255 .!= SIMD4(repeating: packed & 255))
            sy += y
            syy += y * y
            sxy += x * y
            let outside = b .== 0
            if any(outside) {
                for j in 0..<outside.scalarCount where outside[j] {
                    missing[j] &+= 1
                    missingX[j] &+= xInt
                    missingXX[j] &+= xInt &* xInt
                }
            }
        }
        for q in 1...quantiles {
            let members = groupEnds[q] - groupEnds[q - 1]
            guard members > 0 else { continue }
            for j in 0..<count {
                let k = ks[j]
                let index = (k * quantiles + q - 1) * dates
                if out.quantileCounts[index + date - horizons[k]] > 0 {
                    out.turnover[index + date] = Double(fresh[q][j]) / Double(members)
                }
            }
        }
        for j in 0..<count {
            let k = ks[j]
            out.autocorrelation[k * dates + date] = autocorrelation(
                n: valid &- missing[j], sx: allX &- missingX[j], sy: Int(sy[j]), sxx: allXX &- missingXX[j],
                syy: Int(syy[j]), sxy: Int(sxy[j]))
        }
    }

    /// Turnover and rank autocorrelation of the dates the first pass left pending, from both
    /// dates' packed rows.
    func secondPass(date: Int, _ out: Outputs) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (quantiles + 1)) { counters in
            guard let members = counters.baseAddress else { return }
            let fresh = members + (quantiles + 1)
            for (k, horizon) in horizons.enumerated() where out.pending[k * dates + date] != 0 {
                let slot = k * dates + date
                let previous = slot - horizon
                guard out.counts[previous] >= minimumStocks else { continue }
                let now = out.packed + (Int(out.leader[slot]) * dates + date) * stocks
                let before = out.packed + (Int(out.leader[previous]) * dates + date - horizon) * stocks
                members.initialize(repeating: 0, count: 2 * (quantiles + 1))
                var n = 0
                var sx = 0
                var sy = 0
                var sxx = 0
                var syy = 0
                var sxy = 0
                for stock in 0..<stocks {
                    let a = now[stock]
                    guard a != 0 else { continue }
                    let label = Int(a & 255)
                    members[label] += 1
                    let b = before[stock]
                    fresh[label] += b & 255 != a & 255 ? 1 : 0
                    if b != 0 {
                        let x = Int(a >> 8)
                        let y = Int(b >> 8)
                        n += 1
                        sx += x
                        sy += y
                        sxx += x * x
                        syy += y * y
                        sxy += x * y
                    }
                }
                out.autocorrelation[slot] = autocorrelation(n: n, sx: sx, sy: sy, sxx: sxx, syy: syy, sxy: sxy)
                for q in 1...quantiles where members[q] > 0 {
                    let index = (k * quantiles + q - 1) * dates
                    guard out.quantileCounts[index + date - horizon] > 0 else { continue }
                    out.turnover[index + date] = Double(fresh[q]) / Double(members[q])
                }
            }
        }
    }

    /// Pearson's correlation from exact integer sums; NaN for fewer than 2 stocks.
    private func autocorrelation(n: Int, sx: Int, sy: Int, sxx: Int, syy: Int, sxy: Int) -> Double {
        guard n >= 2 else { return .nan }
        let count = Double(n)
        let covariance = count * Double(sxy) - Double(sx) * Double(sy)
        let varianceX = count * Double(sxx) - Double(sx) * Double(sx)
        let varianceY = count * Double(syy) - Double(sy) * Double(sy)
        return Statistics.correlation(sxy: covariance, sxx: varianceX, syy: varianceY)
    }
}
