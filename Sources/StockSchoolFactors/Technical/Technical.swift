/// Classic technical indicators on one stock's daily series (oldest bar first), following TA-Lib's
/// conventions (TA-Lib 0.8.x, default unstable period 0, "default" not Metastock compatibility),
/// plus the Chinese conventions TA-Lib lacks (KDJ, the MACD bar, volatility, volume ratio).
///
/// Every function returns arrays as long as its input (for several inputs: as long as the
/// primary one, `close` or the single series), with NaN in the warm-up exactly where TA-Lib
/// returns NaN. Parameters default to TA-Lib's defaults. An invalid parameter (a period below
/// the stated minimum) gives an all-NaN result rather than trapping.
///
/// ## Suspension gaps
/// TA-Lib lets one NaN input poison everything after it. Here a bar is a *gap* when any input
/// the indicator reads is NaN on that bar (or missing because that input array is shorter).
/// The series is split into maximal runs of consecutive non-gap bars, and each run is computed
/// independently, exactly as TA-Lib computes a series that starts at the run's first bar: the
/// warm-up starts again after every gap (so a run shorter than the warm-up gives only NaN),
/// and gap bars are NaN in every output. Cumulative indicators (OBV) restart from the run's
/// first bar. Consequently the values on a run equal the indicator computed on that run alone.
public enum Technical {}

extension Technical {
    /// Calls `body` with each maximal range of `0..<count` on which `isGap` is false.
    @inline(__always)
    static func forEachRun(count: Int, isGap: (Int) -> Bool, _ body: (Range<Int>) -> Void) {
        var i = 0
        while i < count {
            while i < count && isGap(i) { i += 1 }
            let start = i
            while i < count && !isGap(i) { i += 1 }
            if start < i { body(start..<i) }
        }
    }

    /// True when none of `x[0..<count]` is NaN or ±∞. Integer bit test the compiler vectorises:
    /// adding 1 to an all-ones exponent (NaN, ∞) carries into the sign bit; finite values never do.
    /// A fast screen before the exact per-bar gap test.
    @inline(__always)
    static func allFinite(_ x: UnsafePointer<Double>, _ count: Int) -> Bool {
        let exponent: UInt64 = 0x7FF0_0000_0000_0000
        let one: UInt64 = 0x0010_0000_0000_0000
        var carried: UInt64 = 0
        for i in 0..<count { carried |= (x[i].bitPattern & exponent) &+ one }
        return carried & 0x8000_0000_0000_0000 == 0
    }

    /// `forEachRun` with a screen: when `clean` (every input finite, see `allFinite`) the whole
    /// range is one run and the per-bar gap test is skipped.
    @inline(__always)
    static func forEachRun(count: Int, clean: Bool, isGap: (Int) -> Bool, _ body: (Range<Int>) -> Void) {
        if clean {
            if count > 0 { body(0..<count) }
        } else {
            forEachRun(count: count, isGap: isGap, body)
        }
    }

    /// One output of `count` bars, NaN-filled before `fill` writes into it.
    @inline(__always)
    static func output(count: Int, _ fill: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress, count > 0 else {
                initialized = 0
                return
            }
            base.initialize(repeating: .nan, count: count)
            fill(base)
            initialized = count
        }
    }

    /// One output of `count` bars computed optimistically: `fast` computes the bars as one gap-free
    /// run and returns the range it wrote, or nil when it met a non-finite input (a possible gap).
    /// Every bar outside the returned range is then set to NaN (no full NaN pre-fill). On nil the
    /// output is NaN-filled and `slow` computes it run by run, as ``forEachRun`` would.
    @inline(__always)
    static func output(
        count: Int, fast: (UnsafeMutablePointer<Double>) -> Range<Int>?,
        slow: (UnsafeMutablePointer<Double>) -> Void
    ) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress, count > 0 else {
                initialized = 0
                return
            }
            fillOptimistically(
                count: count, fast: { fast(base) }, slow: { slow(base) },
                nan: { (base + $0.lowerBound).initialize(repeating: .nan, count: $0.count) })
            initialized = count
        }
    }

    /// Three outputs of `count` bars computed optimistically, as ``output(count:fast:slow:)``.
    @inline(__always)
    static func outputs(
        count: Int,
        fast: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Range<Int>?,
        slow: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) -> ([Double], [Double], [Double]) {
        var first: [Double] = []
        var second: [Double] = []
        let third = [Double](unsafeUninitializedCapacity: count) { c, initializedC in
            second = [Double](unsafeUninitializedCapacity: count) { b, initializedB in
                first = [Double](unsafeUninitializedCapacity: count) { a, initializedA in
                    guard let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress, count > 0 else {
                        initializedA = 0
                        return
                    }
                    fillOptimistically(
                        count: count, fast: { fast(ap, bp, cp) }, slow: { slow(ap, bp, cp) },
                        nan: { range in
                            (ap + range.lowerBound).initialize(repeating: .nan, count: range.count)
                            (bp + range.lowerBound).initialize(repeating: .nan, count: range.count)
                            (cp + range.lowerBound).initialize(repeating: .nan, count: range.count)
                        })
                    initializedA = count
                }
                initializedB = first.count
            }
            initializedC = first.count
        }
        return (first, second, third)
    }

    /// The shared body of the optimistic outputs: run `fast`, NaN-fill around what it wrote, or
    /// NaN-fill everything and run `slow`.
    @inline(__always)
    static func fillOptimistically(
        count: Int, fast: () -> Range<Int>?, slow: () -> Void, nan: (Range<Int>) -> Void
    ) {
        if let written = fast() {
            let lower = Swift.min(written.lowerBound, count)
            let upper = written.isEmpty ? lower : Swift.min(written.upperBound, count)
            nan(0..<lower)
            nan(upper..<count)
        } else {
            nan(0..<count)
            slow()
        }
    }

    /// Two NaN-filled outputs of `count` bars.
    @inline(__always)
    static func outputs(
        count: Int, _ fill: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) -> ([Double], [Double]) {
        var first = [Double](repeating: .nan, count: count)
        var second = [Double](repeating: .nan, count: count)
        first.withUnsafeMutableBufferPointer { a in
            second.withUnsafeMutableBufferPointer { b in
                if let ap = a.baseAddress, let bp = b.baseAddress { fill(ap, bp) }
            }
        }
        return (first, second)
    }

    /// Three NaN-filled outputs of `count` bars.
    @inline(__always)
    static func outputs(
        count: Int,
        _ fill: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) -> ([Double], [Double], [Double]) {
        var first = [Double](repeating: .nan, count: count)
        var second = [Double](repeating: .nan, count: count)
        var third = [Double](repeating: .nan, count: count)
        first.withUnsafeMutableBufferPointer { a in
            second.withUnsafeMutableBufferPointer { b in
                third.withUnsafeMutableBufferPointer { c in
                    if let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress { fill(ap, bp, cp) }
                }
            }
        }
        return (first, second, third)
    }

    /// Runs `body` on each run of bars where high, low and close are all present (a bar missing
    /// any of them is a gap), with pointers to the three series.
    @inline(__always)
    static func forEachHighLowCloseRun(
        _ high: [Double], _ low: [Double], _ close: [Double], count m: Int,
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, Range<Int>) -> Void
    ) {
        read(high) { h in
            read(low) { l in
                read(close) { c in
                    forEachRun(
                        count: m, clean: allFinite(h, m) && allFinite(l, m) && allFinite(c, m),
                        isGap: { h[$0].isNaN || l[$0].isNaN || c[$0].isNaN }
                    ) { run in body(h, l, c, run) }
                }
            }
        }
    }

    /// Runs `body` with the three arrays' base addresses; nil when one of them is empty.
    @inline(__always)
    static func withHighLowClose<R>(
        _ high: [Double], _ low: [Double], _ close: [Double],
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>) -> R
    ) -> R? {
        high.withUnsafeBufferPointer { hb in
            low.withUnsafeBufferPointer { lb in
                close.withUnsafeBufferPointer { cb in
                    guard let h = hb.baseAddress, let l = lb.baseAddress, let c = cb.baseAddress else { return nil }
                    return body(h, l, c)
                }
            }
        }
    }

    /// Runs `body` with the array's base address; does nothing for an empty array.
    static func read(_ values: [Double], _ body: (UnsafePointer<Double>) -> Void) {
        values.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { body(base) }
        }
    }

    /// A fresh scratch buffer of `count` doubles for one run (freed after `body`).
    @inline(__always)
    static func scratch(_ count: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(count, 1)) { buffer in
            guard let base = buffer.baseAddress else { return }
            base.initialize(repeating: .nan, count: Swift.max(count, 1))
            body(base)
        }
    }

    /// TA-Lib 0.8's `TA_IS_ZERO` band (`TA_EPSILON` = 1e-14).
    @inline(__always)
    static func isZero(_ value: Double) -> Bool { value > -1e-14 && value < 1e-14 }

    // MARK: - Shared kernels (absolute indices; `range` is one gap-free run)

    /// Simple moving average of `x` over `range`; first value at `range.lowerBound + period - 1`.
    /// TA-Lib's running total: add the newest, emit total/period, subtract the oldest.
    @inline(__always)
    static func smaKernel(
        _ x: UnsafePointer<Double>, _ range: Range<Int>, _ period: Int, _ out: UnsafeMutablePointer<Double>
    ) {
        let first = range.lowerBound + period - 1
        guard first < range.upperBound else { return }
        let divisor = Double(period)
        var total = 0.0
        var i = range.lowerBound
        while i < first {
            total += x[i]
            i += 1
        }
        var trailing = range.lowerBound
        while i < range.upperBound {
            total += x[i]
            out[i] = total / divisor
            total -= x[trailing]
            trailing += 1
            i += 1
        }
    }

    /// EMA with factor `k` whose seed is the mean of the `period` values ending at `seedEnd`
    /// (written at `seedEnd`), then `prev = (x - prev) * k + prev` up to `end` (exclusive).
    @inline(__always)
    static func emaKernel(
        _ x: UnsafePointer<Double>, seedEnd: Int, end: Int, period: Int, k: Double,
        _ out: UnsafeMutablePointer<Double>
    ) {
        guard seedEnd < end else { return }
        var total = 0.0
        var i = seedEnd - period + 1
        while i <= seedEnd {
            total += x[i]
            i += 1
        }
        var prev = total / Double(period)
        out[seedEnd] = prev
        while i < end {
            prev = (x[i] - prev) * k + prev
            out[i] = prev
            i += 1
        }
    }

    /// Rolling highest `high` and lowest `low` over `period` bars, for each bar from
    /// `range.lowerBound + period - 1`; `emit(t, highest, lowest)`. Van Herk / Gil-Werman: within
    /// blocks of `period` bars, prefix and suffix extremes; a window spans at most two blocks, so
    /// its extreme is max(suffix at its start, prefix at its end). Exact, O(1) per bar, branch-free.
    @inline(__always)
    static func rollingHighLow(
        _ high: UnsafePointer<Double>, _ low: UnsafePointer<Double>, _ range: Range<Int>, _ period: Int,
        _ emit: (Int, Double, Double) -> Void
    ) {
        guard range.lowerBound + period - 1 < range.upperBound else { return }
        let length = range.count
        let h = high + range.lowerBound
        let l = low + range.lowerBound
        // Every slot is written before it is read: no NaN pre-fill.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * length) { allocation in
            guard let buffer = allocation.baseAddress else { return }
            let prefixHigh = buffer
            let suffixHigh = buffer + length
            let prefixLow = buffer + 2 * length
            let suffixLow = buffer + 3 * length
            var start = 0
            while start < length {
                let end = Swift.min(start + period, length)
                var highest = h[start]
                var lowest = l[start]
                prefixHigh[start] = highest
                prefixLow[start] = lowest
                var p = start + 1
                while p < end {
                    highest = Swift.max(highest, h[p])
                    lowest = Swift.min(lowest, l[p])
                    prefixHigh[p] = highest
                    prefixLow[p] = lowest
                    p += 1
                }
                highest = h[end - 1]
                lowest = l[end - 1]
                suffixHigh[end - 1] = highest
                suffixLow[end - 1] = lowest
                p = end - 2
                while p >= start {
                    highest = Swift.max(highest, h[p])
                    lowest = Swift.min(lowest, l[p])
                    suffixHigh[p] = highest
                    suffixLow[p] = lowest
                    p -= 1
                }
                start = end
            }
            var p = period - 1
            while p < length {
                let q = p - period + 1
                emit(
                    range.lowerBound + p, Swift.max(suffixHigh[q], prefixHigh[p]),
                    Swift.min(suffixLow[q], prefixLow[p]))
                p += 1
            }
        }
    }
}
