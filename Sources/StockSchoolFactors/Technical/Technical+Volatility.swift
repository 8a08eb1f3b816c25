extension Technical {
    /// TA-Lib `ATR`: true range TR = max(H − L, |H − C′|, |L − C′|) from bar 1 (C′ the previous
    /// close); the first ATR is the simple mean of the first `period` true ranges (bars 1…period),
    /// then Wilder smoothing `atr = (atr·(period−1) + TR)/period` (computed as atr·((period−1)/period) +
    /// TR/period, as TA-Lib 0.8's FMA build does; equal up to rounding). First value at index `period`.
    /// `period >= 1`. A bar is a gap when high, low or close is NaN (see ``Technical``).
    public static func atr(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double] {
        atrCore(high, low, close, period, normalized: false)
    }

    /// TA-Lib `NATR`: ATR/close·100 (0 when the close is 0), same warm-up as ``atr(high:low:close:period:)``.
    public static func natr(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double] {
        atrCore(high, low, close, period, normalized: true)
    }

    static func atrCore(
        _ high: [Double], _ low: [Double], _ close: [Double], _ period: Int, normalized: Bool
    ) -> [Double] {
        let n = close.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let m = Swift.min(n, high.count, low.count)
        return withHighLowClose(high, low, close) { h, l, c in
            output(
                count: n,
                fast: { out in
                    atrKernel(h, l, c, 0..<m, period, normalized, out) ? Swift.min(period, m)..<m : nil
                },
                slow: { out in
                    forEachRun(count: m, isGap: { h[$0].isNaN || l[$0].isNaN || c[$0].isNaN }) { run in
                        _ = atrKernel(h, l, c, run, period, normalized, out)
                    }
                })
        } ?? [Double](repeating: .nan, count: n)
    }

    /// ATR (or NATR) on `run` as one gap-free run, written from `run.lowerBound + period`.
    /// Returns false when an input on the run is NaN or infinite (the values written are then
    /// meaningless): NaN and ±∞ reach the true ranges (the closes through `c − c`, 0 when finite)
    /// and stay in the smoothed value (x·decay + NaN or ±∞ never returns to a finite value).
    ///
    /// Wilder's recurrence atr(i) = atr(i−1)·decay + TR(i)/p is a loop-carried chain of a multiply
    /// and an add per bar. Here the chain steps four bars at a time, atr(i+3) = atr(i−1)·decay⁴ +
    /// Σ TR(i+k)/p·decay³⁻ᵏ (one multiply and one add per four bars), and the three bars in between
    /// are filled afterwards from the step's start, independently of the other steps. Equal to the
    /// one-bar recurrence up to rounding (decay < 1, so rounding does not accumulate). Passes: the
    /// true ranges over p (independent bars, vectorisable), the chain, the bars in between, and for
    /// NATR the division by the close (vectorisable).
    @inline(__always)
    static func atrKernel(
        _ h: UnsafePointer<Double>, _ l: UnsafePointer<Double>, _ c: UnsafePointer<Double>, _ run: Range<Int>,
        _ period: Int, _ normalized: Bool, _ out: UnsafeMutablePointer<Double>
    ) -> Bool {
        let first = run.lowerBound + period
        // Too short for any value: all NaN whatever the gaps inside.
        guard first < run.upperBound else { return true }
        let p = Double(period)
        let inverse = 1 / p
        let decay = (p - 1) / p
        let decay2 = decay * decay
        let decay4 = decay2 * decay2
        // The true ranges. TA-Lib's `if toHigh > greatest { greatest = toHigh }` and likewise for
        // toLow, as selects: Swift.max(a, b) is `b >= a ? b : a`, which keeps `a` when `b` is NaN or
        // equal, so it picks the same value.
        var i = run.lowerBound + 1
        while i < run.upperBound {
            let previous = c[i - 1]
            let range = h[i] - l[i]
            let toHigh = Swift.abs(previous - h[i])
            let toLow = Swift.abs(l[i] - previous)
            out[i] = Swift.max(Swift.max(range, toHigh), toLow) + (previous - previous)
            i += 1
        }
        // The seed: the mean of the first `period` true ranges, summed in order as TA-Lib does.
        var total = 0.0
        i = run.lowerBound + 1
        while i <= first {
            total += out[i]
            i += 1
        }
        var atr = total / p
        out[first] = atr
        // TR/p after the seed.
        while i < run.upperBound {
            out[i] *= inverse
            i += 1
        }
        // The chain, four bars per step; out[i..<i+3] keep TR/p for the fill below.
        let steps = first + 1
        i = steps
        while i + 3 < run.upperBound {
            let weighted = ((out[i] * decay + out[i + 1]) * decay + out[i + 2]) * decay + out[i + 3]
            atr = atr * decay4 + weighted
            out[i + 3] = atr
            i += 4
        }
        while i < run.upperBound {
            atr = atr * decay + out[i]
            out[i] = atr
            i += 1
        }
        // The three bars inside each four-bar step, from the value before the step.
        i = steps
        while i + 3 < run.upperBound {
            var value = out[i - 1] * decay + out[i]
            out[i] = value
            value = value * decay + out[i + 1]
            out[i + 1] = value
            out[i + 2] = value * decay + out[i + 2]
            i += 4
        }
        if normalized {
            for t in first..<run.upperBound {
                let close = c[t]
                let ratio = (out[t] / close) * 100
                out[t] = isZero(close) ? 0 : ratio
            }
        }
        // The warm-up bars held true ranges.
        (out + run.lowerBound).update(repeating: .nan, count: period)
        let last = c[run.upperBound - 1]
        return (atr + h[run.lowerBound] + l[run.lowerBound] + (last - last)).isFinite
    }

    /// TA-Lib `BBANDS` with an SMA middle band (`matype = 0`): middle = SMA(period); upper/lower =
    /// middle ± nbdev·σ, σ the *population* standard deviation of the window (divide by period).
    /// First value at index `period − 1`; defaults are TA-Lib's (5, 2, 2). A variance below
    /// TA-Lib's zero band (1e-14) gives σ = 0. σ is updated in O(1) per bar from the centred sum
    /// of squares (Welford's update) rather than TA-Lib's mean(x²) − mean², which agrees to
    /// rounding and does not lose digits on high-priced, quiet series. `period >= 1`. Gaps
    /// restart the warm-up (see ``Technical``).
    public static func bbands(
        _ values: [Double], period: Int = 5, nbdevUp: Double = 2, nbdevDn: Double = 2
    ) -> (upper: [Double], middle: [Double], lower: [Double]) {
        let n = values.count
        guard period >= 1 else {
            let empty = [Double](repeating: .nan, count: n)
            return (empty, empty, empty)
        }
        let bands = values.withUnsafeBufferPointer { buffer -> ([Double], [Double], [Double])? in
            guard let x = buffer.baseAddress else { return nil }
            return outputs(
                count: n,
                fast: { up, mid, down in
                    bbandsKernel(x, 0..<n, period, nbdevUp, nbdevDn, up, mid, down)
                        ? Swift.min(period - 1, n)..<n : nil
                },
                slow: { up, mid, down in
                    forEachRun(count: n, isGap: { x[$0].isNaN }) { run in
                        _ = bbandsKernel(x, run, period, nbdevUp, nbdevDn, up, mid, down)
                    }
                })
        }
        guard let (upper, middle, lower) = bands else { return ([], [], []) }
        return (upper, middle, lower)
    }

    /// BBANDS on `run` as one gap-free run, written from `run.lowerBound + period − 1`. Returns
    /// false when an input on the run is NaN or infinite (then the values written are meaningless):
    /// the running total never returns to a finite value once one has entered it.
    ///
    /// First pass (sequential): the SMA's running total in TA-Lib's order (so the middle band
    /// equals ``sma(_:period:)`` exactly) into `mid`, and the centred sum of squares into `up`.
    /// Second pass (independent bars, vectorisable): the division, square root and bands.
    @inline(__always)
    static func bbandsKernel(
        _ x: UnsafePointer<Double>, _ run: Range<Int>, _ period: Int, _ nbdevUp: Double, _ nbdevDn: Double,
        _ up: UnsafeMutablePointer<Double>, _ mid: UnsafeMutablePointer<Double>, _ down: UnsafeMutablePointer<Double>
    ) -> Bool {
        let first = run.lowerBound + period - 1
        // Too short for any value: all NaN whatever the gaps inside.
        guard first < run.upperBound else { return true }
        let p = Double(period)
        let inverse = 1 / p
        var total = 0.0
        var mean = 0.0
        var squares = 0.0
        var count = 0.0
        var i = run.lowerBound
        while i < first {
            total += x[i]
            count += 1
            let delta = x[i] - mean
            mean += delta / count
            squares += delta * (x[i] - mean)
            i += 1
        }
        // The window's last bar: Welford's step, then the running mean from the total.
        total += x[first]
        count += 1
        let delta = x[first] - mean
        mean += delta / count
        squares += delta * (x[first] - mean)
        mid[first] = total
        up[first] = squares
        total -= x[run.lowerBound]
        i = first + 1
        while i < run.upperBound {
            let incoming = x[i]
            let outgoing = x[i - period]
            total += incoming
            let newMean = total * inverse
            squares += (incoming - outgoing) * (incoming - newMean + outgoing - mean)
            mean = newMean
            mid[i] = total
            up[i] = squares
            total -= x[i - period + 1]
            i += 1
        }
        for t in first..<run.upperBound {
            let middle = mid[t] / p
            let variance = Swift.max(up[t], 0) * inverse
            // Root computed unconditionally and selected (vectorisable); the clamp is a no-op here.
            let root = Swift.max(variance, 0).squareRoot()
            let sigma = variance < 1e-14 ? 0 : root
            mid[t] = middle
            up[t] = middle + nbdevUp * sigma
            down[t] = middle - nbdevDn * sigma
        }
        return total.isFinite && squares.isFinite
    }

    /// Volatility (StockSchool convention, not in TA-Lib): the *sample* standard deviation
    /// (divide by period − 1) of the last `period` simple daily returns `r_t = C_t/C_{t−1} − 1`,
    /// not annualised (multiply by √252 for that). The first return is at index 1, so the first
    /// value is at index `period`. Each window is computed directly (two passes), so a flat
    /// window gives exactly 0. `period >= 2`. A bar is a gap when its close is NaN or not
    /// positive (a return needs a positive previous close); after a gap the first return is the
    /// one between the run's first two closes (see ``Technical``).
    public static func volatility(_ close: [Double], period: Int = 20) -> [Double] {
        let n = close.count
        guard period >= 2 else { return [Double](repeating: .nan, count: n) }
        let divisor = Double(period - 1)
        let p = Double(period)
        return output(count: n) { out in
            read(close) { c in
                forEachRun(count: n, isGap: { !(c[$0] > 0) }) { run in
                    let first = run.lowerBound + period
                    guard first < run.upperBound else { return }
                    scratch(run.upperBound) { returns in
                        var i = run.lowerBound + 1
                        while i < run.upperBound {
                            returns[i] = c[i] / c[i - 1] - 1
                            i += 1
                        }
                        var t = first
                        while t < run.upperBound {
                            var mean = 0.0
                            for j in (t - period + 1)...t { mean += returns[j] }
                            mean /= p
                            var squares = 0.0
                            for j in (t - period + 1)...t {
                                let d = returns[j] - mean
                                squares += d * d
                            }
                            out[t] = (squares / divisor).squareRoot()
                            t += 1
                        }
                    }
                }
            }
        }
    }
}
