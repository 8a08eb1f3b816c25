extension Technical {
    /// KDJ (Chinese convention, not in TA-Lib), default 9/3/3:
    /// RSV = (C − LLV(L, n)) / (HHV(H, n) − LLV(L, n)) × 100 over the last `n` bars (full windows
    /// only), RSV = 50 when HHV = LLV (a flat window, e.g. a run of one-price limit bars, is neutral);
    /// K = SMA(RSV, m1, 1) and D = SMA(K, m2, 1) where SMA(X, N, M) is Y = (M·X + (N − M)·Y′)/N;
    /// K′ = D′ = 50 before the first RSV; J = 3K − 2D. First values at index `n − 1`. `n, m1, m2 >= 1`.
    /// A bar is a gap when high, low or close is NaN; after a gap K and D are re-seeded with 50
    /// (see ``Technical``).
    public static func kdj(
        high: [Double], low: [Double], close: [Double], n: Int = 9, m1: Int = 3, m2: Int = 3
    ) -> (k: [Double], d: [Double], j: [Double]) {
        let count = close.count
        guard n >= 1, m1 >= 1, m2 >= 1 else {
            let empty = [Double](repeating: .nan, count: count)
            return (empty, empty, empty)
        }
        let m = Swift.min(count, high.count, low.count)
        let kWeight = Double(m1)
        let dWeight = Double(m2)
        let (k, d, j) = outputs(count: count) { kOut, dOut, jOut in
            forEachHighLowCloseRun(high, low, close, count: m) { h, l, c, run in
                var kPrev = 50.0
                var dPrev = 50.0
                rollingHighLow(h, l, run, n) { t, highest, lowest in
                    let range = highest - lowest
                    let rsv = range != 0 ? (c[t] - lowest) / range * 100 : 50
                    kPrev = (rsv + (kWeight - 1) * kPrev) / kWeight
                    dPrev = (kPrev + (dWeight - 1) * dPrev) / dWeight
                    kOut[t] = kPrev
                    dOut[t] = dPrev
                    jOut[t] = 3 * kPrev - 2 * dPrev
                }
            }
        }
        return (k, d, j)
    }
}
