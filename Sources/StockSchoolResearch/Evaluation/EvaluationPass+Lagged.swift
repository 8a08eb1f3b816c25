extension EvaluationPass {
    /// Statistics that compare date d with date d − h, for the horizons `leader..<end` (which
    /// share V of d): factor rank autocorrelation and quantile turnover (`compareWithLag`).
    ///
    /// Called by the first pass right after date d's ranks, quantiles and quantile counts. When
    /// d − h lies before the chunk, another thread may not have written that row yet, so the
    /// date is left to `secondPass`.
    func lagged(leader: Int, end: Int, date: Int, chunkStart: Int, _ out: Outputs) {
        let dates = crossSections.dateCount
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
            compareWithLag(k: k, date: date, out)
        }
    }

    /// Turnover and rank autocorrelation of the dates the first pass left pending.
    func secondPass(date: Int, _ out: Outputs) {
        let dates = crossSections.dateCount
        for (k, horizon) in horizons.enumerated() where out.pending[k * dates + date] != 0 {
            guard out.counts[k * dates + date - horizon] >= minimumStocks else { continue }
            compareWithLag(k: k, date: date, out)
        }
    }

    /// Rank autocorrelation and turnover of horizon k on `date` (both it and date − h usable),
    /// from the two dates' rank rows.
    ///
    /// Rank autocorrelation is Alphalens' `factor_rank_autocorrelation`: Pearson's correlation of
    /// the two days' ranks (each ranked within its own day's V) over the stocks in both. Turnover
    /// of quantile q is the share of q's names at d that were not in q at d − h (Alphalens'
    /// `quantile_turnover`), defined when q has names on both days.
    ///
    /// The sums are exact integers. Σ x·y runs over all stocks at once (a stock outside either V
    /// has rank 0 there, so its product is 0); Σ x, Σ x², Σ y and Σ y² over each day's whole V
    /// are known in closed form (Σ of n doubled ranks is n (n + 1), and the row's `rankSquares`
    /// gives the squares), so only the few stocks in one V but not the other are visited, found
    /// by their membership bits. The rows are read front to back, in loops the compiler turns
    /// into vector code.
    func compareWithLag(k: Int, date: Int, _ out: Outputs) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let horizon = horizons[k]
        let slot = k * dates + date
        let previous = slot - horizon
        let nowIndex = Int(out.leader[slot]) * dates + date
        let beforeIndex = Int(out.leader[previous]) * dates + date - horizon
        let now = RankRow(out, nowIndex)
        let before = RankRow(out, beforeIndex)

        let sxy = Self.rankProducts(now.ranks, before.ranks, count: stocks)
        let n1 = Int(out.counts[slot])
        let n0 = Int(out.counts[previous])
        var n = n1
        var sx = n1 &* (n1 &+ 1)
        var sxx = out.rankSquares[nowIndex] &+ sx &* (n1 &+ 1)
        var sy = n0 &* (n0 &+ 1)
        var syy = out.rankSquares[beforeIndex] &+ sy &* (n0 &+ 1)
        for word in 0..<out.memberWords {
            let (a, b) = (now.memberBits[word], before.memberBits[word])
            var onlyNow = a & ~b
            while onlyNow != 0 {
                let x = Int(now.ranks[word &<< 6 | onlyNow.trailingZeroBitCount])
                n &-= 1
                sx &-= x
                sxx &-= x &* x
                onlyNow &= onlyNow &- 1
            }
            var onlyBefore = b & ~a
            while onlyBefore != 0 {
                let y = Int(before.ranks[word &<< 6 | onlyBefore.trailingZeroBitCount])
                sy &-= y
                syy &-= y &* y
                onlyBefore &= onlyBefore &- 1
            }
        }
        out.autocorrelation[slot] = autocorrelation(n: n, sx: sx, sy: sy, sxx: sxx, syy: syy, sxy: sxy)

        // Fresh names of q = its names at d less those that were in q at d − h too.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: quantiles + 1) { buffer in
            guard let stayed = buffer.baseAddress else { return }
            if quantiles <= Self.labelPassesUpTo {
                for q in 1...quantiles {
                    stayed[q] = Self.sameLabelCount(
                        now.labels, before.labels, count: stocks, label: UInt8(truncatingIfNeeded: q))
                }
            } else {
                Self.sameLabelHistogram(now.labels, before.labels, count: stocks, into: stayed, labels: quantiles)
            }
            for q in 1...quantiles {
                let index = (k * quantiles + q - 1) * dates
                let members = Int(out.quantileCounts[index + date])
                guard members > 0, out.quantileCounts[index + date - horizon] > 0 else {
                    out.turnover[index + date] = .nan
                    continue
                }
                out.turnover[index + date] = Double(members &- stayed[q]) / Double(members)
            }
        }
    }

    /// Up to this many quantiles, the stocks that kept their quantile are counted one quantile
    /// at a time over the label rows (16 stocks a vector compare); beyond, one histogram walk.
    static let labelPassesUpTo = 8

    /// Σ x·y over two rows of doubled ranks. Products are summed in 32 bits over blocks short
    /// enough not to overflow (every product is below (2 × stocks)² < 2³²; the caller keeps
    /// stocks ≤ `ForwardReturns.maximumStocks`), which the compiler vectorises.
    static func rankProducts(_ x: UnsafePointer<UInt16>, _ y: UnsafePointer<UInt16>, count: Int) -> Int {
        let largest = max(1, 2 &* count) &* max(1, 2 &* count)
        let block = max(1, Int(UInt32.max) / largest)
        var total = 0
        var start = 0
        while start < count {
            let end = min(start &+ block, count)
            var sum: UInt32 = 0
            for s in start..<end { sum &+= UInt32(x[s]) &* UInt32(y[s]) }
            total &+= Int(sum)
            start = end
        }
        return total
    }

    /// How many stocks hold `label` in both rows. Counted in bytes over blocks of at most 224
    /// stocks (a byte counts to 255), so each compare covers 16 stocks.
    static func sameLabelCount(
        _ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int, label: UInt8
    ) -> Int {
        var total = 0
        var start = 0
        while start < count {
            let end = min(start &+ 224, count)
            var same: UInt8 = 0
            for s in start..<end {
                let difference = (a[s] ^ label) | (b[s] ^ label)
                same &+= ((difference &- 1) & ~difference) &>> 7  // 1 when 0
            }
            total &+= Int(same)
            start = end
        }
        return total
    }

    /// Per label 1…`labels`, how many stocks hold it in both rows, into `counts[1...labels]`.
    static func sameLabelHistogram(
        _ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int, into counts: UnsafeMutablePointer<Int>,
        labels: Int
    ) {
        counts.initialize(repeating: 0, count: labels + 1)
        // Label 0 collects the stocks whose labels differ (and those outside both V).
        for s in 0..<count where a[s] == b[s] { counts[Int(a[s])] &+= 1 }
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
