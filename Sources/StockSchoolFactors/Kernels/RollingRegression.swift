// Slope, Rsquare, Resi (OLS of x on its position in the window) and WMA: running position-weighted sums.

extension Rolling {
    /// Sums over the window's non-NaN values `y` at row `t`: n, Σt′, Σt′², Σy′, Σy′², Σt′y′ with `t′ = t − base`
    /// and `y′ = y − shift`. `base` and `shift` are re-chosen (window start, first non-NaN value) when the sums are
    /// rebuilt every `window` rows or the window was empty, so every term stays small; the y sums are Neumaier-compensated.
    struct RegressionSums {
        var n = 0
        var base = 0
        var shift = 0.0
        var st = 0.0
        var stt = 0.0
        var sy = CompensatedSum()
        var syy = CompensatedSum()
        var sty = CompensatedSum()

        @inline(__always)
        mutating func add(_ t: Int, _ y: Double, sign: Double) {
            if n == 0 { shift = y }  // an empty window re-centres on its first value
            let tp = Double(t - base)
            let yp = y - shift
            n += sign > 0 ? 1 : -1
            st += sign * tp
            stt += sign * tp * tp
            sy.add(sign * yp)
            syy.add(sign * yp * yp)
            sty.add(sign * tp * yp)
            if n == 0 { self = RegressionSums(base: base, shift: shift) }
        }

        init(base: Int = 0, shift: Double = 0) {
            self.base = base
            self.shift = shift
        }

        mutating func rebuild(_ x: UnsafeBufferPointer<Double>, from lo: Int, to hi: Int) {
            self = RegressionSums(base: lo)
            for j in lo..<hi where !x[j].isNaN { add(j, x[j], sign: 1) }
        }

        /// The centred sums and means of the window, with one division.
        var fit: Fit {
            let inverse = 1 / Double(n)
            let (t, y) = (st, sy.value)
            return Fit(
                n: n, base: base, shift: shift, sxx: stt - t * t * inverse, sxy: sty.value - t * y * inverse,
                syy: Swift.max(0, syy.value - y * y * inverse), meanT: t * inverse, meanY: y * inverse)
        }
    }

    /// One row's regression, in the shifted coordinates of `RegressionSums`.
    struct Fit {
        let n: Int
        let base: Int
        let shift: Double
        /// Σ(t − t̄)².
        let sxx: Double
        /// Σ(t − t̄)(y − ȳ).
        let sxy: Double
        /// Σ(y − ȳ)², clamped at 0.
        let syy: Double
        let meanT: Double
        let meanY: Double
    }

    static func runRegression(
        _ x: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        into out: UnsafeMutableBufferPointer<Double>,
        result: (Fit, ConstantRun, Int) -> Double
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        let w = Swift.min(window, m)
        var sums = RegressionSums()
        var run = ConstantRun()
        var rebuildIn = 0  // rows until the sums are rebuilt (a counter: `i % w` is a division)
        for i in 0..<m {
            rebuildIn -= 1
            if rebuildIn < 0 {
                rebuildIn = w - 1
                sums.rebuild(x, from: Swift.max(0, i - w + 1), to: i + 1)
            } else {
                if i >= w, !x[i - w].isNaN { sums.add(i - w, x[i - w], sign: -1) }
                if !x[i].isNaN { sums.add(i, x[i], sign: 1) }
            }
            if !x[i].isNaN { run.observe(x[i]) }
            out[i] = sums.n >= minPeriods && sums.n >= 2 ? result(sums.fit, run, i) : .nan
        }
    }

    static func slopeOf(_ f: Fit, _ run: ConstantRun) -> Double {
        run.run >= f.n ? 0 : f.sxy / f.sxx
    }

    static func rsquareOf(_ f: Fit, _ run: ConstantRun) -> Double {
        guard run.run < f.n else { return .nan }
        // std > tolerance, as Σ(y−ȳ)² > tolerance²·(n−1): no square root, no division.
        guard f.syy > flatStdTolerance * flatStdTolerance * Double(f.n - 1) else { return .nan }
        return f.sxy * f.sxy / (f.sxx * f.syy)
    }

    /// The residual of `v`, the value at row `i`, from the window's OLS line.
    static func residualOf(_ v: Double, at i: Int, _ f: Fit, _ run: ConstantRun) -> Double {
        guard !v.isNaN else { return .nan }
        if run.run >= f.n { return 0 }
        let slope = f.sxy / f.sxx
        return (v - f.shift - f.meanY) - slope * (Double(i - f.base) - f.meanT)
    }

    /// Qlib `Slope(x, N)` (Cython `rolling_slope`, `qlib/data/_libs/rolling.pyx`): the OLS slope of the window's
    /// non-NaN values on their positions 1...N in the window (NaN rows are skipped but keep their positions; a
    /// partial window at the start is a full window whose first slots are NaN). `Σ(t−t̄)(x−x̄) / Σ(t−t̄)²`.
    /// NaN when fewer than `max(minPeriods, 2)` non-NaN values are present; exactly 0 for a constant window.
    /// Qlib applies no flat-window mask to Slope. O(n).
    public static func slope(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runRegression(x, window: window, minPeriods: minPeriods, into: out) { s, run, _ in slopeOf(s, run) }
    }

    /// Qlib `Rsquare(x, N)` (Cython `rolling_rsquare` plus the mask in `ops.py`): the squared Pearson correlation of
    /// the window's non-NaN values with their positions, `Sxy² / (Sxx·Syy)`. NaN when fewer than
    /// `max(minPeriods, 2)` non-NaN values are present, and NaN where the window's sample std is `<= 2e-5` (Qlib:
    /// `np.isclose(rolling(N, min_periods=1).std(), 0, atol=2e-05)`), which includes every constant window. O(n).
    public static func rsquare(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runRegression(x, window: window, minPeriods: minPeriods, into: out) { s, run, _ in rsquareOf(s, run) }
    }

    /// Qlib `Resi(x, N)` (Cython `rolling_resi`): the residual of the row's own value from the OLS line fitted to the
    /// window's non-NaN values on their positions, `x[i] − (x̄ + slope·(t_i − t̄))`. NaN when `x[i]` is NaN or fewer
    /// than `max(minPeriods, 2)` non-NaN values are present; exactly 0 for a constant window. O(n).
    public static func resi(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runRegression(x, window: window, minPeriods: minPeriods, into: out) { s, run, i in
            residualOf(x[i], at: i, s, run)
        }
    }

    /// Qlib `WMA(x, N)` = `rolling(N, min_periods).apply(weighted_mean, raw=True)` with
    /// `w = np.arange(len(x)) + 1; w = w / w.sum(); return np.nanmean(w * x)`.
    ///
    /// With `L = min(N, i + 1)` rows in the (possibly partial) window, weights `k = 1...L` from oldest to newest and
    /// `c` non-NaN values: `Σ_{non-NaN} k·x_k / (L(L+1)/2) / c`. Qlib quirk reproduced: `nanmean` divides the
    /// already-normalised weighted sum by `c` once more, so a constant series `v` gives `v / L`, not `v`; NaN rows
    /// count in `L` but not in `c`. NaN when fewer than `minPeriods` non-NaN values are present. O(n).
    public static func wma(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        let w = Swift.min(window, m)
        var base = 0
        var present = 0
        var weighted = CompensatedSum()  // Σ (t − base)·x_t
        var plain = CompensatedSum()  // Σ x_t
        var rebuildIn = 0  // rows until the sums are rebuilt (a counter: `i % w` is a division)
        for i in 0..<m {
            let start = Swift.max(0, i - w + 1)
            rebuildIn -= 1
            if rebuildIn < 0 {
                rebuildIn = w - 1
                base = start
                present = 0
                weighted.reset()
                plain.reset()
                for j in start...i where !x[j].isNaN {
                    present += 1
                    weighted.add(Double(j - base) * x[j])
                    plain.add(x[j])
                }
            } else {
                if i >= w, !x[i - w].isNaN {
                    present -= 1
                    weighted.add(-Double(i - w - base) * x[i - w])
                    plain.add(-x[i - w])
                }
                if !x[i].isNaN {
                    present += 1
                    weighted.add(Double(i - base) * x[i])
                    plain.add(x[i])
                }
            }
            guard present >= minPeriods else {
                out[i] = .nan
                continue
            }
            // k = t − start + 1 = (t − base) − offset
            let offset = Double(start - base - 1)
            let numerator = weighted.value - offset * plain.value
            let length = Double(i - start + 1)
            out[i] = numerator / (length * (length + 1) / 2) / Double(present)
        }
    }
}
