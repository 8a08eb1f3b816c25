// Median, Quantile, Rank: a sorted window buffer; Mad directly.

extension Rolling {
    /// The window's non-NaN values kept sorted in one buffer: insertion and removal find their
    /// place by binary search and shift the tail (a `memmove` of at most w doubles), the k-th
    /// smallest is one read. O(w) per row in the worst case, but for the windows factors use
    /// (≤ a few hundred rows) a contiguous shift beats a tree (BENCHMARKS.md, issue 4).
    struct OrderStatistics {
        let sorted: UnsafeMutablePointer<Double>
        var total = 0

        init(capacity: Int) {
            sorted = .allocate(capacity: Swift.max(1, capacity))
        }

        func deallocate() { sorted.deallocate() }

        /// Values strictly below `v`.
        func countBelow(_ v: Double) -> Int {
            var lo = 0
            var hi = total
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// Values at or below `v`.
        func countAtOrBelow(_ v: Double) -> Int {
            var lo = 0
            var hi = total
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        mutating func insert(_ v: Double) {
            let at = countAtOrBelow(v)
            if at < total { (sorted + at + 1).update(from: sorted + at, count: total - at) }
            sorted[at] = v
            total += 1
        }

        /// Removes one value equal to `v` (present: it entered the window earlier).
        mutating func remove(_ v: Double) {
            let at = countBelow(v)
            guard at < total, sorted[at] == v else { return }
            (sorted + at).update(from: sorted + at + 1, count: total - at - 1)
            total -= 1
        }

        /// The k-th smallest value in the window, k in 1...total.
        func kth(_ k: Int) -> Double { sorted[k - 1] }
    }

    /// Slides the window over the series; `result(stats, i)` is called where the window has at
    /// least `minPeriods` non-NaN values.
    static func runOrderStatistics(
        _ x: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        into out: UnsafeMutableBufferPointer<Double>,
        result: (OrderStatistics, Int) -> Double
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        guard m > 0 else { return }
        var stats = OrderStatistics(capacity: Swift.min(m, window))
        defer { stats.deallocate() }
        for i in 0..<m {
            if i >= window, !x[i - window].isNaN { stats.remove(x[i - window]) }
            if !x[i].isNaN { stats.insert(x[i]) }
            out[i] = stats.total >= minPeriods ? result(stats, i) : .nan
        }
    }

    /// pandas' rolling quantile with linear interpolation on the sorted non-NaN values `v[0..<n]`:
    /// `idx = q·(n−1)`; `v[idx]` when `idx` is whole, else `v[⌊idx⌋] + (v[⌊idx⌋+1] − v[⌊idx⌋])·frac(idx)`.
    static func interpolatedQuantile(_ s: OrderStatistics, _ q: Double) -> Double {
        let n = s.total
        if n == 1 { return s.kth(1) }
        let position = q * Double(n - 1)
        let whole = Int(position)
        if position == Double(whole) { return s.kth(whole + 1) }
        let low = s.kth(whole + 1)
        let high = s.kth(whole + 2)
        return low + (high - low) * (position - Double(whole))
    }

    static func medianOf(_ s: OrderStatistics) -> Double {
        let half = s.total / 2
        return s.total % 2 == 1 ? s.kth(half + 1) : (s.kth(half) + s.kth(half + 1)) / 2
    }

    /// The average 1-based rank of `v` among the window's values, as a fraction of their count.
    static func rankOf(_ v: Double, in s: OrderStatistics) -> Double {
        guard !v.isNaN else { return .nan }
        let low = s.countBelow(v) + 1
        let high = s.countAtOrBelow(v)
        return (Double(low + high) / 2) / Double(s.total)
    }

    /// Qlib `Med(x, N)` = pandas `rolling(N, min_periods).median()`: the median of the window's non-NaN values (mean
    /// of the two middle values when their count is even); NaN when fewer than `minPeriods` are present.
    /// O(n·w) worst case, see `OrderStatistics`.
    public static func median(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, _ in medianOf(s) }
    }

    /// Qlib `Quantile(x, N, q)` = pandas `rolling(N, min_periods).quantile(q)` (interpolation "linear"): with the
    /// window's non-NaN values sorted as `v[0..<n]` and `p = q·(n−1)`, the result is `v[⌊p⌋] + (v[⌊p⌋+1] − v[⌊p⌋])·
    /// (p − ⌊p⌋)`. NaN when fewer than `minPeriods` are present. `q` outside `0...1` (or NaN) is a caller error:
    /// all-NaN. O(n·w) worst case, see `OrderStatistics`.
    public static func quantile(
        _ x: UnsafeBufferPointer<Double>,
        window: Int,
        q: Double,
        minPeriods: Int,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        guard q >= 0, q <= 1 else { return fillNaN(out, count: Swift.min(x.count, out.count)) }
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, _ in
            interpolatedQuantile(s, q)
        }
    }

    /// Qlib `Rank(x, N)` = pandas `rolling(N, min_periods).rank(pct=True)` (method "average"): NaN when the row's own
    /// value is NaN or the window has fewer than `minPeriods` non-NaN values; otherwise, with `n` non-NaN values in
    /// the window, `less` of them smaller than `x[i]` and `equal` equal to it (including itself),
    /// `(less + (equal + 1)/2) / n` — ties get their average rank. O(n·w) worst case, see `OrderStatistics`.
    public static func rank(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, i in rankOf(x[i], in: s) }
    }

    /// Qlib `Mad(x, N)`: the mean absolute deviation of the window's non-NaN values around their
    /// mean, `Σ|v − mean| / n`; 0 for one value or a constant window; NaN when fewer than
    /// `minPeriods` are present. Computed directly from each window's own values, oldest first —
    /// O(n·w), but a value can never depend on rows after it (not even in its last bit, which a
    /// structure built over a block of future values would make it).
    public static func mad(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        let m = Swift.min(x.count, out.count)
        guard isValid(window: window, minPeriods: minPeriods) else { return fillNaN(out, count: m) }
        for i in 0..<m {
            let lo = Swift.max(0, i - window + 1)
            var n = 0
            var sum = 0.0
            var first = Double.nan
            var constant = true
            for j in lo...i where !x[j].isNaN {
                if n == 0 { first = x[j] } else if x[j] != first { constant = false }
                n += 1
                sum += x[j]
            }
            guard n >= minPeriods, n > 0 else {
                out[i] = .nan
                continue
            }
            if constant {
                out[i] = 0
                continue
            }
            let mean = sum / Double(n)
            var deviation = 0.0
            for j in lo...i where !x[j].isNaN { deviation += Swift.abs(x[j] - mean) }
            out[i] = deviation / Double(n)
        }
    }
}
