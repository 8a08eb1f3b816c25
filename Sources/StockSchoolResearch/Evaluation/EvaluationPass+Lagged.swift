extension EvaluationPass {
    /// Statistics that compare date d with date d − h, from the ranks and labels packed per stock
    /// for d − h: factor rank autocorrelation and quantile turnover.
    ///
    /// Rank autocorrelation is Alphalens' `factor_rank_autocorrelation`: Pearson's correlation of
    /// the two days' ranks (each ranked within its own day's V) over the stocks in both. Ranks
    /// are stored doubled, so they are integers and the sums are exact. Turnover of quantile q is
    /// the share of q's names at d that were not in q at d − h (Alphalens' `quantile_turnover`),
    /// defined when q has names on both days.
    ///
    /// Called by the first pass right after date d's ranks and quantiles, while they are at hand:
    /// it walks V of d (quantile by quantile, so each quantile's count of new names stays in a
    /// register) and looks each stock up in d − h's packed row. When d − h lies before the chunk,
    /// another thread may not have written that row yet, so the date is left to `secondPass`.
    ///
    /// `factorRankSquares` is Σ (x − (n + 1))² over V of d, for the doubled ranks x: with Σ x =
    /// n (n + 1) it gives the sums over all of V, and the walk subtracts the few stocks that were
    /// not in V of d − h instead of adding up the many that were.
    func lagged(
        k: Int, date: Int, chunkStart: Int, valid: Int, factorRankSquares: Int, _ w: Workspace, _ out: Outputs
    ) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let horizon = horizons[k]
        let slot = k * dates + date
        out.autocorrelation[slot] = .nan
        for q in 0..<quantiles { out.turnover[(k * quantiles + q) * dates + date] = .nan }
        out.pending[slot] = 0
        guard date >= horizon else { return }
        guard date - horizon >= chunkStart else {
            out.pending[slot] = 1
            return
        }
        let previous = slot - horizon
        guard out.counts[previous] >= minimumStocks else { return }
        let before = UnsafePointer(out.packed + (Int(out.leader[previous]) * dates + date - horizon) * stocks)
        let entries = w.valid
        let ranks = w.validRanks
        let groupEnds = w.groupEnds
        var n = valid
        var sx = valid &* (valid &+ 1)
        var sxx = factorRankSquares &+ valid &* (valid &+ 1) &* (valid &+ 1)
        var sy = 0
        var syy = 0
        var sxy = 0
        for q in 1...quantiles {
            let label = UInt32(q)
            var fresh = 0
            for i in groupEnds[q - 1]..<groupEnds[q] {
                let b = before[Int(entries[i].index)]
                let y = Int(b >> 8)  // 0 outside d − h's V
                let x = Int(ranks[i])
                fresh &+= b & 255 != label ? 1 : 0
                sy &+= y
                syy &+= y &* y
                sxy &+= x &* y
                if b == 0 {
                    n &-= 1
                    sx &-= x
                    sxx &-= x &* x
                }
            }
            let members = groupEnds[q] - groupEnds[q - 1]
            let index = (k * quantiles + q - 1) * dates
            if members > 0 && out.quantileCounts[index + date - horizon] > 0 {
                out.turnover[index + date] = Double(fresh) / Double(members)
            }
        }
        out.autocorrelation[slot] = autocorrelation(n: n, sx: sx, sy: sy, sxx: sxx, syy: syy, sxy: sxy)
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
