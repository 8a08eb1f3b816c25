// EMA, Ref, Delta.

extension Rolling {
    /// Qlib `EMA(x, N)` = pandas `x.ewm(span=N, min_periods=1).mean()` (so `adjust=True`, `ignore_na=False`), for
    /// `span >= 1`; `span <= 0` is a caller error: all-NaN.
    ///
    /// `α = 1/(1 + (N−1)/2) = 2/(N+1)`. Row `i` is `Σ_j (1−α)^(i−j) x_j / Σ_j (1−α)^(i−j)` over the non-NaN `x_j`,
    /// `j <= i`: a NaN row still ages the older weights (`ignore_na=False`) and its output is the previous value
    /// carried forward; rows before the first non-NaN value are NaN. Computed with pandas' own recurrence
    /// (`old_wt *= 1−α` per row; on an observation `ema = (old_wt·ema + x)/(old_wt + 1)`, `old_wt += 1`). O(n).
    public static func ema(_ x: UnsafeBufferPointer<Double>, span: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let m = Swift.min(x.count, out.count)
        guard span >= 1 else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        let com = (Double(span) - 1) / 2
        let alpha = 1 / (1 + com)
        let decay = 1 - alpha
        var weighted = x[0]
        var oldWeight = 1.0
        out[0] = weighted
        for i in 1..<m {
            let current = x[i]
            let observed = !current.isNaN
            if !weighted.isNaN {
                oldWeight *= decay
                if observed {
                    if weighted != current {
                        weighted = (oldWeight * weighted + current) / (oldWeight + 1)
                    }
                    oldWeight += 1
                }
            } else if observed {
                weighted = current
            }
            out[i] = weighted
        }
    }

    /// Qlib `Ref(x, N)` = pandas `shift(N)`: `out[i] = x[i − N]`, NaN where `i − N` is outside the series. A negative
    /// `N` looks ahead (reads the whole of `x`, even past `out.count`). Qlib quirk reproduced: `N == 0` is not the
    /// identity but "the first value", `out[i] = x[0]` for every row. O(n).
    public static func ref(_ x: UnsafeBufferPointer<Double>, shift: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let m = Swift.min(x.count, out.count)
        guard m > 0 else { return }
        if shift == 0 {
            for i in 0..<m { out[i] = x[0] }
            return
        }
        for i in 0..<m {
            let (source, overflow) = i.subtractingReportingOverflow(shift)
            out[i] = !overflow && source >= 0 && source < x.count ? x[source] : .nan
        }
    }

    /// Qlib `Delta(x, N)` = `x − x.shift(N)`: `x[i] − x[i − N]`, NaN where either is NaN or `i − N` is outside the
    /// series (negative `N` looks ahead). As in Qlib, `N == 0` gives `x[i] − x[0]`. O(n).
    public static func delta(
        _ x: UnsafeBufferPointer<Double>, shift: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        ref(x, shift: shift, into: out)
        let m = Swift.min(x.count, out.count)
        for i in 0..<m { out[i] = x[i] - out[i] }
    }
}
