// Max, Min, IdxMax, IdxMin: monotonic deques.

extension Rolling {
    /// One pass with a monotonic deque of indices of non-NaN values (front = the window's extremum, the oldest one
    /// among ties), writing the extremum to `values` and its `IdxMax`/`IdxMin` position to `positions` (either or
    /// both). O(n) total, one O(n) index buffer per call.
    static func runExtremum(
        _ x: UnsafeBufferPointer<Double>,
        window: Int,
        minPeriods: Int,
        wantMax: Bool,
        values: UnsafeMutableBufferPointer<Double>?,
        positions: UnsafeMutableBufferPointer<Double>?
    ) {
        let m = Swift.min(x.count, values?.count ?? Int.max, positions?.count ?? Int.max)
        guard m < Int.max else { return }
        guard isValid(window: window, minPeriods: minPeriods) else {
            if let values { fillNaN(values, count: m) }
            if let positions { fillNaN(positions, count: m) }
            return
        }
        guard m > 0 else { return }
        let w = Swift.min(window, m)
        let deque = UnsafeMutableBufferPointer<Int>.allocate(capacity: m)
        defer { deque.deallocate() }
        var head = 0
        var tail = 0
        var present = 0
        var nanCursor = 0  // first index >= window start holding NaN (or i + 1 when none): Qlib's argmax quirk
        for i in 0..<m {
            let start = Swift.max(0, i - w + 1)
            if i >= w {
                if !x[i - w].isNaN { present -= 1 }
                if head < tail, deque[head] == i - w { head += 1 }
            }
            let v = x[i]
            if !v.isNaN {
                present += 1
                while head < tail, wantMax ? x[deque[tail - 1]] < v : x[deque[tail - 1]] > v { tail -= 1 }
                deque[tail] = i
                tail += 1
            }
            guard present >= minPeriods else {
                values?[i] = .nan
                positions?[i] = .nan
                continue
            }
            if let positions {
                if nanCursor < start { nanCursor = start }
                while nanCursor <= i, !x[nanCursor].isNaN { nanCursor += 1 }
                let position = nanCursor <= i ? nanCursor : deque[head]
                positions[i] = Double(position - start + 1)
            }
            values?[i] = x[deque[head]]
        }
    }

    /// Qlib `Max(x, N)` = pandas `rolling(N, min_periods).max()`: the largest non-NaN value in the window; NaN when
    /// fewer than `minPeriods` are present. O(n) (monotonic deque).
    public static func max(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runExtremum(x, window: window, minPeriods: minPeriods, wantMax: true, values: out, positions: nil)
    }

    /// Qlib `Min(x, N)` = pandas `rolling(N, min_periods).min()`: the smallest non-NaN value in the window; NaN when
    /// fewer than `minPeriods` are present. O(n) (monotonic deque).
    public static func min(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runExtremum(x, window: window, minPeriods: minPeriods, wantMax: false, values: out, positions: nil)
    }

    /// Qlib `IdxMax(x, N)` = `rolling(N, min_periods).apply(lambda x: x.argmax() + 1, raw=True)`: the 1-based
    /// position, inside the window (1 = oldest row of the possibly partial window), of the first occurrence of the
    /// maximum. NaN when fewer than `minPeriods` non-NaN values are present.
    ///
    /// Qlib quirk reproduced: `np.argmax` treats NaN as the maximum, so when the window contains any NaN the result
    /// is the position of the *first NaN* in the window, not of the largest value. O(n).
    public static func idxMax(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runExtremum(x, window: window, minPeriods: minPeriods, wantMax: true, values: nil, positions: out)
    }

    /// Qlib `IdxMin(x, N)` = `rolling(N, min_periods).apply(lambda x: x.argmin() + 1, raw=True)`: the 1-based
    /// position inside the window of the first occurrence of the minimum; NaN when fewer than `minPeriods` non-NaN
    /// values are present. Same NaN quirk as `idxMax`: a window containing NaN gives the position of its first NaN.
    /// O(n).
    public static func idxMin(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, into out: UnsafeMutableBufferPointer<Double>
    ) {
        runExtremum(x, window: window, minPeriods: minPeriods, wantMax: false, values: nil, positions: out)
    }
}
