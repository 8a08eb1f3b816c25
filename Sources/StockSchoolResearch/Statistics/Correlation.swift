extension Statistics {
    /// Pearson's correlation over the positions where both `x` and `y` are finite (pairwise
    /// deletion, as pandas' `Series.corr` does): a stock missing one value drops out of that
    /// date's cross-section only.
    ///
    /// NaN when fewer than two pairs remain, when either side has zero variance (the correlation
    /// is undefined, not zero), or when the arrays differ in length.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count else { return .nan }
        let pairs = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        return pearson(pairs.map { x[$0] }, pairs.map { y[$0] }, allFinite: ())
    }

    /// Spearman's rank correlation: Pearson's correlation of average ranks, ranked over the
    /// pairwise-finite positions only (a value whose partner is missing must not shift the
    /// others' ranks). This is pandas' `corr(method="spearman")` and scipy's `spearmanr`.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count else { return .nan }
        let pairs = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        return pearson(averageRanks(pairs.map { x[$0] }), averageRanks(pairs.map { y[$0] }), allFinite: ())
    }

    /// Two-pass Pearson correlation of equally long, all-finite arrays (centring first keeps
    /// precision when the mean dwarfs the spread, as with price levels).
    static func pearson(_ x: [Double], _ y: [Double], allFinite: Void) -> Double {
        let n = x.count
        guard n >= 2 else { return .nan }
        let meanX = x.reduce(0, +) / Double(n)
        let meanY = y.reduce(0, +) / Double(n)
        var sxx = 0.0
        var syy = 0.0
        var sxy = 0.0
        for i in 0..<n {
            let dx = x[i] - meanX
            let dy = y[i] - meanY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        return correlation(sxy: sxy, sxx: sxx, syy: syy)
    }

    /// The correlation from centred sums of squares and products; NaN without variance.
    @inline(__always) static func correlation(sxy: Double, sxx: Double, syy: Double) -> Double {
        guard sxx > 0, syy > 0 else { return .nan }
        return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
    }
}
