// Corr, Cov: pairwise running sums.

extension Rolling {
    /// Sums over the window's complete pairs (both x and y non-NaN), shifted by the first pair at each rebuild
    /// (every `window` rows) or after the window was empty and Neumaier-compensated.
    struct PairSums {
        var n = 0
        var shiftX = 0.0
        var shiftY = 0.0
        var sx = CompensatedSum()
        var sy = CompensatedSum()
        var sxx = CompensatedSum()
        var syy = CompensatedSum()
        var sxy = CompensatedSum()

        init(shiftX: Double = 0, shiftY: Double = 0) {
            self.shiftX = shiftX
            self.shiftY = shiftY
        }

        @inline(__always)
        mutating func add(_ x: Double, _ y: Double, sign: Double) {
            if n == 0 {  // an empty window re-centres on its first pair
                shiftX = x
                shiftY = y
            }
            let dx = x - shiftX
            let dy = y - shiftY
            n += sign > 0 ? 1 : -1
            sx.add(sign * dx)
            sy.add(sign * dy)
            sxx.add(sign * dx * dx)
            syy.add(sign * dy * dy)
            sxy.add(sign * dx * dy)
            if n == 0 { self = PairSums(shiftX: shiftX, shiftY: shiftY) }
        }

        mutating func rebuild(
            _ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, from lo: Int, to hi: Int
        ) {
            self = PairSums()
            for j in lo..<hi where !x[j].isNaN && !y[j].isNaN { add(x[j], y[j], sign: 1) }
        }

        /// The centred sums Σ(x−x̄)², Σ(y−ȳ)² (clamped at 0) and Σ(x−x̄)(y−ȳ), with one division.
        var centred: Centred {
            let inverse = 1 / Double(n)
            let (x, y) = (sx.value, sy.value)
            return Centred(
                n: n, xx: Swift.max(0, sxx.value - x * x * inverse), yy: Swift.max(0, syy.value - y * y * inverse),
                xy: sxy.value - x * y * inverse)
        }
    }

    struct Centred {
        let n: Int
        let xx: Double
        let yy: Double
        let xy: Double
    }

    @inline(__always)
    static func runPair(
        _ x: UnsafeBufferPointer<Double>,
        _ y: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        maskFlat: Bool,
        into out: UnsafeMutableBufferPointer<Double>,
        result: (Centred, Bool) -> Double
    ) {
        let m = Swift.min(x.count, y.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        let w = Swift.min(window, m)
        var pairs = PairSums()
        var runX = ConstantRun()  // over complete pairs only
        var runY = ConstantRun()
        // Rows of the window where exactly one of x and y is NaN. Without any, each series' own
        // non-NaN rows (which Qlib's flat mask reads) are the complete pairs, whose sums are
        // already at hand; a suspension, which empties both, keeps it so.
        var lopsided = 0
        var rebuildIn = 0  // rows until the sums are rebuilt (a counter: `i % w` is a division)
        for i in 0..<m {
            if i >= w, x[i - w].isNaN != y[i - w].isNaN { lopsided -= 1 }
            if x[i].isNaN != y[i].isNaN { lopsided += 1 }
            rebuildIn -= 1
            if rebuildIn < 0 {
                rebuildIn = w - 1
                pairs.rebuild(x, y, from: Swift.max(0, i - w + 1), to: i + 1)
            } else {
                let o = i - w
                if o >= 0, !x[o].isNaN, !y[o].isNaN { pairs.add(x[o], y[o], sign: -1) }
                if !x[i].isNaN, !y[i].isNaN { pairs.add(x[i], y[i], sign: 1) }
            }
            if !x[i].isNaN, !y[i].isNaN {
                runX.observe(x[i])
                runY.observe(y[i])
            }
            guard pairs.n >= minPeriods, pairs.n >= 2 else {
                out[i] = .nan
                continue
            }
            let c = pairs.centred
            var flat = runX.run >= pairs.n || runY.run >= pairs.n
            if maskFlat, !flat {
                // std ≤ tolerance, as Σ(v−v̄)² ≤ tolerance²·(n−1): no square root, no division.
                let bound = flatStdTolerance * flatStdTolerance * Double(pairs.n - 1)
                let lo = Swift.max(0, i - w + 1)
                flat =
                    lopsided == 0
                    ? c.xx <= bound || c.yy <= bound
                    : ownStd(x, from: lo, through: i) <= flatStdTolerance
                        || ownStd(y, from: lo, through: i) <= flatStdTolerance
            }
            out[i] = result(c, flat)
        }
    }

    /// The sample std of the non-NaN values of `x[lo...hi]` (NaN for fewer than two), two-pass:
    /// only for windows where x and y miss different rows, which are rare.
    static func ownStd(_ x: UnsafeBufferPointer<Double>, from lo: Int, through hi: Int) -> Double {
        var n = 0
        var sum = 0.0
        for j in lo...hi where !x[j].isNaN {
            n += 1
            sum += x[j]
        }
        guard n >= 2 else { return .nan }
        let mean = sum / Double(n)
        var squares = 0.0
        for j in lo...hi where !x[j].isNaN { squares += (x[j] - mean) * (x[j] - mean) }
        return (squares / Double(n - 1)).squareRoot()
    }

    /// Qlib `Cov(x, y, N)` = pandas `x.rolling(N, min_periods).cov(y)`: the sample covariance (divisor n − 1) over
    /// the window's complete pairs (a row counts only when both x and y are non-NaN). NaN when fewer than
    /// `max(minPeriods, 2)` complete pairs are present; exactly 0 when either side is constant over the pairs.
    /// O(n), shifted compensated sums (pandas uses the cancellation-prone `mean(xy) − mean(x)·mean(y)`).
    public static func cov(
        _ x: UnsafeBufferPointer<Double>,
        _ y: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPair(x, y, window: window, minPeriods: minPeriods, maskFlat: false, into: out) { c, flat in
            flat ? 0 : c.xy / Double(c.n - 1)
        }
    }

    /// Qlib `Corr(x, y, N)` = pandas `x.rolling(N, min_periods).corr(y)` over complete pairs, then Qlib's mask: NaN
    /// where `x.rolling(N, min_periods=1).std()` or the same for `y` is `<= 2e-5` (each series' own window, NaN rows
    /// of the other series not removed; a std that is NaN, i.e. fewer than 2 values, does not mask). Also NaN when
    /// fewer than `max(minPeriods, 2)` complete pairs are present or either side is constant over the pairs (pandas
    /// divides by a zero variance there). Pearson `Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)²·Σ(y−ȳ)²)`. O(n).
    public static func corr(
        _ x: UnsafeBufferPointer<Double>,
        _ y: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        runPair(x, y, window: window, minPeriods: minPeriods, maskFlat: true, into: out) { c, flat in
            guard !flat else { return .nan }
            let denominator = (c.xx * c.yy).squareRoot()
            return denominator > 0 ? c.xy / denominator : .nan
        }
    }
}
