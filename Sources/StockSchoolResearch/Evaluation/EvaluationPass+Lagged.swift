extension EvaluationPass {
    /// Statistics that compare date d with date d − h, from the ranks and labels the first pass
    /// packed per stock: factor rank autocorrelation and quantile turnover.
    ///
    /// Rank autocorrelation is Alphalens' `factor_rank_autocorrelation`: Pearson's correlation of
    /// the two days' ranks (each ranked within its own day's V) over the stocks in both. Ranks
    /// are stored doubled, so they are integers and the sums are exact. Turnover of quantile q is
    /// the share of q's names at d that were not in q at d − h (Alphalens' `quantile_turnover`),
    /// defined when q has names on both days.
    func secondPass(date: Int, _ out: Outputs) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (quantiles + 1)) { counters in
            guard let members = counters.baseAddress else { return }
            let fresh = members + (quantiles + 1)
            for (k, horizon) in horizons.enumerated() where date >= horizon {
                let slot = k * dates + date
                let previous = slot - horizon
                guard out.counts[slot] >= minimumStocks, out.counts[previous] >= minimumStocks else { continue }
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
                if n >= 2 {
                    let count = Double(n)
                    let covariance = count * Double(sxy) - Double(sx) * Double(sy)
                    let varianceX = count * Double(sxx) - Double(sx) * Double(sx)
                    let varianceY = count * Double(syy) - Double(sy) * Double(sy)
                    out.autocorrelation[slot] = Statistics.correlation(
                        sxy: covariance, sxx: varianceX, syy: varianceY)
                }
                for q in 1...quantiles where members[q] > 0 {
                    let index = (k * quantiles + q - 1) * dates
                    guard out.quantileCounts[index + date - horizon] > 0 else { continue }
                    out.turnover[index + date] = Double(fresh[q]) / Double(members[q])
                }
            }
        }
    }
}
