// Median, Quantile, Rank: a Fenwick tree over block-local value coordinates; Mad directly.

extension Rolling {
    /// Order statistics of the window's non-NaN values in O(log w) per operation.
    ///
    /// Rows are processed in blocks of `w`. Every window ending in block `[b, b + w)` lies inside
    /// `[b − w + 1, b + w)`, so at the start of each block the (at most 2w − 1) non-NaN values of that range are
    /// sorted and deduplicated into `values` (O(w log w), i.e. O(log w) amortised per row), and a Fenwick tree over
    /// those coordinates holds the window's multiset as counts (integers: a result never depends on the block's
    /// future values, which only fix the coordinates).
    struct OrderStatistics {
        let values: UnsafeMutableBufferPointer<Double>
        let counts: UnsafeMutableBufferPointer<Int>
        var unique = 0
        var topBit = 0
        var total = 0

        init(capacity: Int) {
            values = .allocate(capacity: capacity)
            counts = .allocate(capacity: capacity + 1)
        }

        func deallocate() {
            values.deallocate()
            counts.deallocate()
        }

        /// New coordinates from the non-NaN values of `x[lo..<hi]`; the tree is emptied.
        mutating func rebuild(_ x: UnsafeBufferPointer<Double>, from lo: Int, to hi: Int) {
            var k = 0
            for j in lo..<hi where !x[j].isNaN {
                values[k] = x[j]
                k += 1
            }
            var sorted = UnsafeMutableBufferPointer(rebasing: values[0..<k])
            sorted.sort()
            var u = 0
            for j in 0..<k where u == 0 || values[u - 1] != values[j] {
                values[u] = values[j]
                u += 1
            }
            unique = u
            topBit = 1
            while topBit * 2 <= u { topBit *= 2 }
            for j in 0...u { counts[j] = 0 }
            total = 0
        }

        /// Number of distinct block values `<= v` (so the 1-based coordinate of `v` when `v` is present).
        func coordinateAtOrBelow(_ v: Double) -> Int {
            var lo = 0
            var hi = unique
            while lo < hi {
                let mid = (lo + hi) / 2
                if values[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        mutating func update(_ v: Double, by step: Int) {
            var p = coordinateAtOrBelow(v)
            total += step
            while p <= unique {
                counts[p] += step
                p += p & -p
            }
        }

        func countAtOrBelow(_ coordinate: Int) -> Int {
            var p = coordinate
            var c = 0
            while p > 0 {
                c += counts[p]
                p -= p & -p
            }
            return c
        }

        /// The k-th smallest value in the window, k in 1...total.
        func kth(_ k: Int) -> Double {
            var pos = 0
            var rest = k
            var step = topBit
            while step > 0 {
                if pos + step <= unique, counts[pos + step] < rest {
                    pos += step
                    rest -= counts[pos]
                }
                step /= 2
            }
            return values[pos]
        }
    }

    /// Drives `OrderStatistics` over the series; `result(stats, i)` is called where the window has at least
    /// `minPeriods` non-NaN values. O(n log w) total.
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
        let w = Swift.min(window, m)
        var stats = OrderStatistics(capacity: Swift.min(m, 2 * w - 1))
        defer { stats.deallocate() }
        for i in 0..<m {
            if i % w == 0 {
                let lo = Swift.max(0, i - w + 1)
                stats.rebuild(x, from: lo, to: Swift.min(m, i + w))
                for j in lo..<i where !x[j].isNaN { stats.update(x[j], by: 1) }
            } else if i >= w, !x[i - w].isNaN {
                stats.update(x[i - w], by: -1)
            }
            if !x[i].isNaN { stats.update(x[i], by: 1) }
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

    /// Qlib `Med(x, N)` = pandas `rolling(N, min_periods).median()`: the median of the window's non-NaN values (mean
    /// of the two middle values when their count is even); NaN when fewer than `minPeriods` are present.
    /// O(n log w).
    public static func median(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, _ in
            let half = s.total / 2
            return s.total % 2 == 1 ? s.kth(half + 1) : (s.kth(half) + s.kth(half + 1)) / 2
        }
    }

    /// Qlib `Quantile(x, N, q)` = pandas `rolling(N, min_periods).quantile(q)` (interpolation "linear"): with the
    /// window's non-NaN values sorted as `v[0..<n]` and `p = q·(n−1)`, the result is `v[⌊p⌋] + (v[⌊p⌋+1] − v[⌊p⌋])·
    /// (p − ⌊p⌋)`. NaN when fewer than `minPeriods` are present. `q` outside `0...1` (or NaN) is a caller error:
    /// all-NaN. O(n log w).
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
    /// `(less + (equal + 1)/2) / n` — ties get their average rank. O(n log w).
    public static func rank(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, i in
            let v = x[i]
            guard !v.isNaN else { return .nan }
            let coordinate = s.coordinateAtOrBelow(v)
            let low = s.countAtOrBelow(coordinate - 1) + 1
            let high = s.countAtOrBelow(coordinate)
            return (Double(low + high) / 2) / Double(s.total)
        }
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
