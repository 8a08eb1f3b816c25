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
        let p = Double(period)
        let inverse = 1 / p
        let decay = (p - 1) / p
        return output(count: n) { out in
            forEachHighLowCloseRun(high, low, close, count: m) { h, l, c, run in
                let first = run.lowerBound + period
                guard first < run.upperBound else { return }
                @inline(__always) func trueRange(_ i: Int) -> Double {
                    var greatest = h[i] - l[i]
                    let toHigh = Swift.abs(c[i - 1] - h[i])
                    if toHigh > greatest { greatest = toHigh }
                    let toLow = Swift.abs(l[i] - c[i - 1])
                    if toLow > greatest { greatest = toLow }
                    return greatest
                }
                @inline(__always) func emit(_ i: Int, _ atr: Double) {
                    if normalized {
                        out[i] = isZero(c[i]) ? 0 : (atr / c[i]) * 100
                    } else {
                        out[i] = atr
                    }
                }
                var total = 0.0
                var i = run.lowerBound + 1
                while i <= first {
                    total += trueRange(i)
                    i += 1
                }
                var atr = total / p
                emit(first, atr)
                while i < run.upperBound {
                    atr = atr * decay + trueRange(i) * inverse
                    emit(i, atr)
                    i += 1
                }
            }
        }
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
        let (upper, middle, lower) = outputs(count: n) { up, mid, down in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    smaKernel(x, run, period, mid)
                    rollingVariance(x, run, period, ddof: 0) { t, variance in
                        let sigma = variance < 1e-14 ? 0 : variance.squareRoot()
                        up[t] = mid[t] + nbdevUp * sigma
                        down[t] = mid[t] - nbdevDn * sigma
                    }
                }
            }
        }
        return (upper, middle, lower)
    }

    /// Rolling variance (sum of squared deviations / (period − ddof)) of each `period`-bar window
    /// in `range`, from `range.lowerBound + period − 1`; Welford's update when the window slides.
    @inline(__always)
    static func rollingVariance(
        _ x: UnsafePointer<Double>, _ range: Range<Int>, _ period: Int, ddof: Int, _ emit: (Int, Double) -> Void
    ) {
        let first = range.lowerBound + period - 1
        guard first < range.upperBound, period > ddof else { return }
        let p = Double(period)
        let divisor = Double(period - ddof)
        var mean = 0.0
        var squares = 0.0
        var count = 0.0
        var i = range.lowerBound
        while i <= first {
            count += 1
            let delta = x[i] - mean
            mean += delta / count
            squares += delta * (x[i] - mean)
            i += 1
        }
        emit(first, Swift.max(squares, 0) / divisor)
        while i < range.upperBound {
            let incoming = x[i]
            let outgoing = x[i - period]
            let newMean = mean + (incoming - outgoing) / p
            squares += (incoming - outgoing) * (incoming - newMean + outgoing - mean)
            mean = newMean
            emit(i, Swift.max(squares, 0) / divisor)
            i += 1
        }
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
