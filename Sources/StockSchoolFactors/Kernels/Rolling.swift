/// Qlib's rolling operators (`qlib/data/ops.py`) on one instrument's series.
///
/// Conventions shared by every kernel (see NOTES.md for the Qlib/pandas sources):
///
/// - `x` is one stock's values in date order, oldest first. NaN marks a day without data. Inputs are assumed
///   finite or NaN; ±infinity is not supported (results are unspecified, as they are in pandas).
/// - The window at row `i` is rows `max(0, i - window + 1) ... i`. Near the start of the series the window is
///   shorter (a "partial window"); a `window` longer than the series is normal.
/// - `minPeriods` is pandas' `min_periods`: a row's value is NaN unless the window holds at least `minPeriods`
///   non-NaN observations. `minPeriods: 1` is Qlib's setting; `minPeriods: window` is the *strict* mode (NaN unless
///   all `window` observations are present). Kernels whose statistic needs more observations (e.g. `std` needs 2,
///   `skew` 3, `kurt` 4) are NaN below that count whatever `minPeriods` says. `count` is the exception: as in
///   pandas, its `minPeriods` counts rows in the window, NaN or not.
/// - A `window <= 0` or a `minPeriods` outside `1...window` is a programming error of the caller: the output is
///   all-NaN (nothing traps).
/// - Output length: only `min(x.count, out.count)` rows are written (for the pair kernels also `y.count`); rows of
///   `out` past that are left untouched. Row `i` depends on `x[...i]` only, except `ref`/`delta` with a negative
///   shift, which read ahead in the whole of `x`.
/// - No allocation per step: each call allocates at most a few buffers of size `O(min(window, n))` (deque, order
///   statistics), or `O(n)` for the extrema deque, once.
public enum Rolling {}

// MARK: - Array conveniences

extension Rolling {
    static func mapped(
        _ x: [Double],
        _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        var out = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in body(xb, ob) }
        }
        return out
    }

    static func mapped(
        _ x: [Double],
        _ y: [Double],
        _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        var out = [Double](repeating: .nan, count: Swift.min(x.count, y.count))
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                out.withUnsafeMutableBufferPointer { ob in body(xb, yb, ob) }
            }
        }
        return out
    }

    /// `sum` on an array; see the buffer version.
    public static func sum(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { sum($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `mean` on an array; see the buffer version.
    public static func mean(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { mean($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `variance` on an array; see the buffer version.
    public static func variance(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { variance($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `std` on an array; see the buffer version.
    public static func std(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { std($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `skew` on an array; see the buffer version.
    public static func skew(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { skew($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `kurt` on an array; see the buffer version.
    public static func kurt(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { kurt($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `count` on an array; see the buffer version.
    public static func count(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { count($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `max` on an array; see the buffer version.
    public static func max(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { max($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `min` on an array; see the buffer version.
    public static func min(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { min($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `idxMax` on an array; see the buffer version.
    public static func idxMax(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { idxMax($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `idxMin` on an array; see the buffer version.
    public static func idxMin(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { idxMin($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `median` on an array; see the buffer version.
    public static func median(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { median($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `quantile` on an array; see the buffer version.
    public static func quantile(_ x: [Double], window: Int, q: Double, minPeriods: Int = 1) -> [Double] {
        mapped(x) { quantile($0, window: window, q: q, minPeriods: minPeriods, into: $1) }
    }
    /// `rank` on an array; see the buffer version.
    public static func rank(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { rank($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `mad` on an array; see the buffer version.
    public static func mad(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { mad($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `slope` on an array; see the buffer version.
    public static func slope(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { slope($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `rsquare` on an array; see the buffer version.
    public static func rsquare(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { rsquare($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `resi` on an array; see the buffer version.
    public static func resi(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { resi($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `wma` on an array; see the buffer version.
    public static func wma(_ x: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x) { wma($0, window: window, minPeriods: minPeriods, into: $1) }
    }
    /// `corr` on arrays; the result has `min(x.count, y.count)` rows. See the buffer version.
    public static func corr(_ x: [Double], _ y: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x, y) { corr($0, $1, window: window, minPeriods: minPeriods, into: $2) }
    }
    /// `cov` on arrays; the result has `min(x.count, y.count)` rows. See the buffer version.
    public static func cov(_ x: [Double], _ y: [Double], window: Int, minPeriods: Int = 1) -> [Double] {
        mapped(x, y) { cov($0, $1, window: window, minPeriods: minPeriods, into: $2) }
    }
    /// `ema` on an array; see the buffer version.
    public static func ema(_ x: [Double], span: Int) -> [Double] {
        mapped(x) { ema($0, span: span, into: $1) }
    }
    /// `ref` on an array; see the buffer version.
    public static func ref(_ x: [Double], shift: Int) -> [Double] {
        mapped(x) { ref($0, shift: shift, into: $1) }
    }
    /// `delta` on an array; see the buffer version.
    public static func delta(_ x: [Double], shift: Int) -> [Double] {
        mapped(x) { delta($0, shift: shift, into: $1) }
    }
}

// MARK: - Shared helpers

extension Rolling {
    /// Neumaier-compensated running sum (an improved Kahan sum that also survives large cancelling terms).
    struct CompensatedSum {
        var sum = 0.0
        var compensation = 0.0

        /// Knuth's TwoSum: the rounding error of `sum + value`, exactly, without a branch (the
        /// branch of Neumaier's form mispredicts on half of random data).
        @inline(__always)
        mutating func add(_ value: Double) {
            let total = sum + value
            let virtual = total - sum
            compensation += (sum - (total - virtual)) + (value - virtual)
            sum = total
        }

        var value: Double { sum + compensation }

        mutating func reset() {
            sum = 0
            compensation = 0
        }
    }

    /// pandas' `num_consecutive_same_value`: the length of the run of equal values at the end of the non-NaN
    /// observations seen so far. When `run >= nobs`, every non-NaN value in the window equals `last`.
    struct ConstantRun {
        var last = Double.nan
        var run = 0

        @inline(__always)
        mutating func observe(_ value: Double) {
            if value == last {
                run += 1
            } else {
                run = 1
                last = value
            }
        }
    }

    /// `window >= 1` and `1 <= minPeriods <= window`.
    static func isValid(window: Int, minPeriods: Int) -> Bool {
        window >= 1 && minPeriods >= 1 && minPeriods <= window
    }

    static func fillNaN(_ out: UnsafeMutableBufferPointer<Double>, count: Int) {
        for i in 0..<count { out[i] = .nan }
    }

    /// Qlib masks Corr and Rsquare with `np.isclose(rolling_std, 0, atol=2e-05)`, i.e. `|std| <= 2e-5`.
    static let flatStdTolerance = 2e-5
}
