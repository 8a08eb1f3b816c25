// Sum, Mean, Var, Std, Skew, Kurt, Count: running power sums.

extension Rolling {
    /// Power sums `Σ(v - shift)^k`, k = 1...order, over the window's non-NaN values, Neumaier-compensated.
    ///
    /// `shift` is re-chosen as the window's first non-NaN value each time the sums are rebuilt from scratch (every
    /// `window` rows) and whenever a value enters an empty window, so the sums stay small even for series like 1e6 + noise and rounding cannot accumulate over long series.
    struct PowerSums {
        let order: Int
        let centred: Bool
        var n = 0
        var shift = 0.0
        var s1 = CompensatedSum()
        var s2 = CompensatedSum()
        var s3 = CompensatedSum()
        var s4 = CompensatedSum()
        /// 1/n and 1/(n − 1) for the current row, set by `runPowerSums` from a table (a division
        /// per statistic per row costs more than the running sums themselves).
        var inverse = Double.nan
        var inverseLessOne = Double.nan

        init(order: Int, centred: Bool) {
            self.order = order
            self.centred = centred
        }

        @inline(__always)
        mutating func add(_ value: Double, sign: Double) {
            // An empty window takes its first value as the new shift (a stale shift would cost precision).
            if n == 0, centred { shift = value }
            let d = value - shift
            s1.add(sign * d)
            if order >= 2 {
                let d2 = d * d
                s2.add(sign * d2)
                if order >= 3 {
                    s3.add(sign * d2 * d)
                    if order >= 4 { s4.add(sign * d2 * d2) }
                }
            }
            n += sign > 0 ? 1 : -1
            if n == 0 { resetSums() }
        }

        mutating func resetSums() {
            s1.reset()
            s2.reset()
            s3.reset()
            s4.reset()
        }

        /// Recomputes the sums over `x[lo..<hi]`; the shift becomes the first non-NaN value there.
        mutating func rebuild(_ x: UnsafeBufferPointer<Double>, from lo: Int, to hi: Int) {
            resetSums()
            n = 0
            for j in lo..<hi where !x[j].isNaN { add(x[j], sign: 1) }
        }

        /// Σ(v - v̄)² over the window.
        var centredSquares: Double { Swift.max(0, s2.value - s1.value * s1.value * inverse) }
    }

    /// Drives a `PowerSums` over the series and writes `result(sums, run)` where the window has at least
    /// `minPeriods` non-NaN values, NaN elsewhere. O(n) total: O(1) per row plus an O(window) rebuild every
    /// `window` rows.
    @inline(__always)
    static func runPowerSums(
        _ x: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        order: Int,
        centred: Bool,
        into out: UnsafeMutableBufferPointer<Double>,
        result: (PowerSums, ConstantRun, Int) -> Double
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        let w = Swift.min(window, m)
        var sums = PowerSums(order: order, centred: centred)
        var run = ConstantRun()
        let reciprocal = UnsafeMutableBufferPointer<Double>.allocate(capacity: w + 1)
        defer { reciprocal.deallocate() }
        reciprocal[0] = .infinity
        for k in 1...w { reciprocal[k] = 1 / Double(k) }
        var rebuildIn = 0  // rows until the sums are rebuilt (a counter: `i % w` is a division)
        for i in 0..<m {
            rebuildIn -= 1
            if rebuildIn < 0 {
                rebuildIn = w - 1
                sums.rebuild(x, from: Swift.max(0, i - w + 1), to: i + 1)
            } else {
                if i >= w, !x[i - w].isNaN { sums.add(x[i - w], sign: -1) }
                if !x[i].isNaN { sums.add(x[i], sign: 1) }
            }
            if !x[i].isNaN { run.observe(x[i]) }
            guard sums.n >= minPeriods else {
                out[i] = .nan
                continue
            }
            sums.inverse = reciprocal[sums.n]
            sums.inverseLessOne = reciprocal[sums.n - 1]
            out[i] = result(sums, run, i)
        }
    }

    /// Qlib `Sum(x, N)` = pandas `rolling(N, min_periods).sum()`: the sum of the window's non-NaN values; NaN when
    /// the window has fewer than `minPeriods` non-NaN values (so an all-NaN window is NaN, not 0).
    /// O(n), compensated.
    public static func sum(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 1, centred: false, into: out) { s, _, _ in
            s.s1.value
        }
    }

    /// Qlib `Mean(x, N)` = pandas `rolling(N, min_periods).mean()`: the mean of the window's non-NaN values; NaN when
    /// fewer than `minPeriods` are present. A window whose non-NaN values are all equal returns that value exactly
    /// (as pandas does). O(n), compensated.
    public static func mean(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 1, centred: true, into: out) { s, run, _ in
            meanOf(s, run)
        }
    }

    static func meanOf(_ s: PowerSums, _ run: ConstantRun) -> Double {
        run.run >= s.n ? run.last : s.shift + s.s1.value * s.inverse
    }

    static func sampleVariance(_ s: PowerSums, _ run: ConstantRun) -> Double {
        guard s.n >= 2 else { return .nan }
        if run.run >= s.n { return 0 }
        return s.centredSquares * s.inverseLessOne
    }

    /// Qlib `Var(x, N)` = pandas `rolling(N, min_periods).var()`: the sample variance (divisor n − 1) of the window's
    /// non-NaN values; NaN when fewer than `max(minPeriods, 2)` are present; exactly 0 when they are all equal.
    /// O(n), shifted compensated sums.
    public static func variance(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 2, centred: true, into: out) { s, run, _ in
            sampleVariance(s, run)
        }
    }

    /// Qlib `Std(x, N)` = pandas `rolling(N, min_periods).std()`: the square root of `variance` (sample, n − 1);
    /// NaN when fewer than `max(minPeriods, 2)` non-NaN values are present; exactly 0 for a constant window. O(n).
    public static func std(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 2, centred: true, into: out) { s, run, _ in
            sampleVariance(s, run).squareRoot()
        }
    }

    /// Qlib `Skew(x, N)` = pandas `rolling(N, min_periods).skew()`: the bias-corrected sample skewness
    /// `sqrt(n(n−1))/(n−2) · m3 / m2^1.5` (m_k the central moments with divisor n) of the window's non-NaN values.
    /// NaN when fewer than `max(minPeriods, 3)` are present, and NaN when they are all equal (pandas ≥ 3.0; pandas
    /// 2.x returned 0 there, see NOTES.md). O(n).
    public static func skew(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 3, centred: true, into: out) { s, run, _ in
            guard s.n >= 3, run.run < s.n else { return .nan }
            let dn = Double(s.n)
            let a = s.s1.value / dn
            let b = s.s2.value / dn - a * a
            let c = s.s3.value / dn - a * a * a - 3 * a * b
            guard b > 0 else { return .nan }
            let r = b.squareRoot()
            return (dn * (dn - 1)).squareRoot() * c / ((dn - 2) * r * r * r)
        }
    }

    /// Qlib `Kurt(x, N)` = pandas `rolling(N, min_periods).kurt()`: the bias-corrected excess kurtosis
    /// `((n²−1)·m4/m2² − 3(n−1)²) / ((n−2)(n−3))` of the window's non-NaN values. NaN when fewer than
    /// `max(minPeriods, 4)` are present, and NaN when they are all equal (pandas ≥ 3.0; pandas 2.x returned −3).
    /// O(n).
    public static func kurt(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPowerSums(x, window: window, minPeriods: minPeriods, order: 4, centred: true, into: out) { s, run, _ in
            guard s.n >= 4, run.run < s.n else { return .nan }
            let dn = Double(s.n)
            let a = s.s1.value / dn
            let b = s.s2.value / dn - a * a
            let c = s.s3.value / dn - a * a * a - 3 * a * b
            let d = s.s4.value / dn - a * a * a * a - 6 * b * a * a - 4 * c * a
            guard b > 0 else { return .nan }
            let k = (dn * dn - 1) * d / (b * b) - 3 * (dn - 1) * (dn - 1)
            return k / ((dn - 2) * (dn - 3))
        }
    }

    /// Qlib `Count(x, N)` = pandas `rolling(N, min_periods).count()`: the number of non-NaN values in the window.
    /// pandas applies `min_periods` to the number of *rows* in the window (NaN or not), so the default gives a number
    /// on every row (0 for an all-NaN window) and the strict mode `minPeriods: window` is NaN only on the first
    /// `window − 1` rows. O(n).
    public static func count(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        var present = 0
        for i in 0..<m {
            if !x[i].isNaN { present += 1 }
            if i >= window, !x[i - window].isNaN { present -= 1 }
            let rows = Swift.min(i + 1, window)
            out[i] = rows >= minPeriods ? Double(present) : .nan
        }
    }
}
