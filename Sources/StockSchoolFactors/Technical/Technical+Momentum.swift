extension Technical {
    /// TA-Lib `RSI`: changes from bar 1; the first average gain/loss is the simple mean of the
    /// first `period` changes, then Wilder smoothing `avg = (avg·(period−1) + change)/period`.
    /// RSI = 100·gain/(gain+loss), 0 when gain+loss is zero (TA-Lib's `TA_IS_ZERO`). First value at
    /// index `period`. The smoothing is computed as avg·((period−1)/period) + change/period, equal
    /// up to rounding (TA-Lib 0.8 likewise multiplies by a precomputed reciprocal).
    /// `period >= 2` (TA-Lib's minimum). Gaps restart the warm-up (see ``Technical``).
    public static func rsi(_ values: [Double], period: Int = 14) -> [Double] {
        let n = values.count
        guard period >= 2 else { return [Double](repeating: .nan, count: n) }
        let p = Double(period)
        let inverse = 1 / p
        let decay = (p - 1) / p
        return output(count: n) { out in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    let first = run.lowerBound + period
                    guard first < run.upperBound else { return }
                    var gain = 0.0
                    var loss = 0.0
                    var i = run.lowerBound + 1
                    while i <= first {
                        let change = x[i] - x[i - 1]
                        if change < 0 { loss -= change } else { gain += change }
                        i += 1
                    }
                    gain /= p
                    loss /= p
                    var total = gain + loss
                    out[first] = isZero(total) ? 0 : 100 * (gain / total)
                    while i < run.upperBound {
                        let change = x[i] - x[i - 1]
                        // Branch-free form of TA-Lib's `if change < 0 { loss -= change } else { gain += change }`
                        // (adding +0 to the other side changes nothing).
                        // (avg·(p−1) + x)/p as avg·((p−1)/p) + x/p: one multiply-add on the dependency
                        // chain.
                        gain = gain * decay + Swift.max(change, 0) * inverse
                        loss = loss * decay + Swift.max(-change, 0) * inverse
                        total = gain + loss
                        out[i] = isZero(total) ? 0 : 100 * (gain / total)
                        i += 1
                    }
                }
            }
        }
    }

    /// TA-Lib `ROC`: `(x / x[−period] − 1)·100`, 0 when `x[−period]` is 0. First value at index
    /// `period`. `period >= 1`. Gaps restart the warm-up (see ``Technical``).
    public static func roc(_ values: [Double], period: Int = 10) -> [Double] {
        lagged(values, period) { current, past in past != 0 ? (current / past - 1) * 100 : 0 }
    }

    /// TA-Lib `MOM`: `x − x[−period]`. First value at index `period`. `period >= 1`. Gaps restart
    /// the warm-up (see ``Technical``).
    public static func mom(_ values: [Double], period: Int = 10) -> [Double] {
        lagged(values, period) { current, past in current - past }
    }

    @inline(__always)
    static func lagged(_ values: [Double], _ period: Int, _ f: (Double, Double) -> Double) -> [Double] {
        let n = values.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        return output(count: n) { out in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    var i = run.lowerBound + period
                    while i < run.upperBound {
                        out[i] = f(x[i], x[i - period])
                        i += 1
                    }
                }
            }
        }
    }

    /// TA-Lib `WILLR`: `(HH − C)/(HH − LL)·(−100)` over the last `period` bars (HH highest high,
    /// LL lowest low), 0 when HH = LL. Range −100…0. First value at index `period − 1`.
    /// `period >= 1`. A bar is a gap when high, low or close is NaN (see ``Technical``).
    public static func willr(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double] {
        let n = close.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let m = Swift.min(n, high.count, low.count)
        return withHighLowClose(high, low, close) { h, l, c in
            output(
                count: n,
                fast: { out in willrKernel(h, l, c, 0..<m, period, out) ? Swift.min(period - 1, m)..<m : nil },
                slow: { out in
                    forEachRun(count: m, isGap: { h[$0].isNaN || l[$0].isNaN || c[$0].isNaN }) { run in
                        _ = willrKernel(h, l, c, run, period, out)
                    }
                })
        } ?? [Double](repeating: .nan, count: n)
    }

    /// WILLR on `run` as one gap-free run, written from `run.lowerBound + period − 1`. Returns false
    /// when an input on the run is NaN or infinite (then the values written are meaningless), from
    /// a probe: `x − x` is +0 (all bits clear) for a finite x and NaN otherwise. The extremes come from
    /// ``rollingHighLow(_:_:_:_:_:)``; the value is computed as `(HH − C)·(−100)/(HH − LL)`, one
    /// division rather than TA-Lib's two (`(HH − C)/((HH − LL)/−100)`, equal up to rounding).
    @inline(__always)
    static func willrKernel(
        _ h: UnsafePointer<Double>, _ l: UnsafePointer<Double>, _ c: UnsafePointer<Double>, _ run: Range<Int>,
        _ period: Int, _ out: UnsafeMutablePointer<Double>
    ) -> Bool {
        // Too short for any value: all NaN whatever the gaps inside.
        guard run.lowerBound + period - 1 < run.upperBound else { return true }
        var probe: UInt64 = 0
        for i in run {
            let sum = (h[i] + l[i]) + c[i]
            probe |= (sum - sum).bitPattern
        }
        rollingHighLow(h, l, run, period) { t, highest, lowest in
            let range = highest - lowest
            out[t] = range != 0 ? ((highest - c[t]) * -100) / range : 0
        }
        return probe == 0
    }

    /// TA-Lib `CCI`: typical price TP = (H+L+C)/3; CCI = (TP − mean)/(0.015 · mean deviation) over
    /// the last `period` TPs, 0 when either the numerator or the mean deviation is zero
    /// (`TA_IS_ZERO`). First value at index `period − 1`. Like TA-Lib it recomputes the mean and
    /// mean deviation over a circular buffer each bar (same summation order). `period >= 1`.
    /// A bar is a gap when high, low or close is NaN (see ``Technical``).
    public static func cci(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double] {
        let n = close.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let m = Swift.min(n, high.count, low.count)
        let p = Double(period)
        return output(count: n) { out in
            forEachHighLowCloseRun(high, low, close, count: m) { h, l, c, run in
                guard run.lowerBound + period - 1 < run.upperBound else { return }
                scratch(period) { ring in
                    var slot = 0
                    var i = run.lowerBound
                    while i < run.upperBound {
                        let typical = (h[i] + l[i] + c[i]) / 3
                        ring[slot] = typical
                        slot = slot + 1 == period ? 0 : slot + 1
                        if i >= run.lowerBound + period - 1 {
                            var mean = 0.0
                            for j in 0..<period { mean += ring[j] }
                            mean /= p
                            var deviation = 0.0
                            for j in 0..<period { deviation += Swift.abs(ring[j] - mean) }
                            let numerator = typical - mean
                            out[i] =
                                !isZero(numerator) && !isZero(deviation)
                                ? numerator / (0.015 * (deviation / p)) : 0
                        }
                        i += 1
                    }
                }
            }
        }
    }

    /// TA-Lib `MFI`: typical price TP = (H+L+C)/3, money flow TP·volume, counted positive when TP
    /// rose from the previous bar, negative when it fell, in neither when unchanged. MFI =
    /// 100·positive/(positive+negative) over the last `period` flows, 0 when both are zero.
    /// First value at index `period`. `period >= 1`. A bar is a gap when high, low, close or
    /// volume is NaN (see ``Technical``).
    public static func mfi(
        high: [Double], low: [Double], close: [Double], volume: [Double], period: Int = 14
    ) -> [Double] {
        let n = close.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let m = Swift.min(n, high.count, low.count, volume.count)
        return output(count: n) { out in
            read(high) { h in
                read(low) { l in
                    read(close) { c in
                        read(volume) { v in
                            forEachRun(
                                count: m,
                                clean: allFinite(h, m) && allFinite(l, m) && allFinite(c, m) && allFinite(v, m),
                                isGap: { h[$0].isNaN || l[$0].isNaN || c[$0].isNaN || v[$0].isNaN }
                            ) { run in
                                mfiKernel(h, l, c, v, run, period, out)
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func mfiKernel(
        _ h: UnsafePointer<Double>, _ l: UnsafePointer<Double>, _ c: UnsafePointer<Double>,
        _ v: UnsafePointer<Double>, _ run: Range<Int>, _ period: Int, _ out: UnsafeMutablePointer<Double>
    ) {
        let first = run.lowerBound + period
        guard first < run.upperBound else { return }
        scratch(2 * period) { ring in
            // ring[2·slot] is the positive flow, ring[2·slot + 1] the negative flow of a bar.
            var positive = 0.0
            var negative = 0.0
            var previous = (h[run.lowerBound] + l[run.lowerBound] + c[run.lowerBound]) / 3
            var slot = 0
            var i = run.lowerBound + 1
            while i < run.upperBound {
                if i > first {
                    positive -= ring[2 * slot]
                    negative -= ring[2 * slot + 1]
                }
                let typical = (h[i] + l[i] + c[i]) / 3
                let flow = typical * v[i]
                if typical > previous {
                    ring[2 * slot] = flow
                    ring[2 * slot + 1] = 0
                    positive += flow
                } else if typical < previous {
                    ring[2 * slot] = 0
                    ring[2 * slot + 1] = flow
                    negative += flow
                } else {
                    ring[2 * slot] = 0
                    ring[2 * slot + 1] = 0
                }
                previous = typical
                slot = slot + 1 == period ? 0 : slot + 1
                if i >= first {
                    let total = positive + negative
                    out[i] = isZero(total) ? 0 : 100 * (positive / total)
                }
                i += 1
            }
        }
    }

    /// TA-Lib `STOCH` with SMA smoothing (`slowk_matype = slowd_matype = 0`): fast %K =
    /// (C − LL)/(HH − LL)·100 over `fastK` bars (0 when HH = LL); slow %K = SMA(fast %K, `slowK`);
    /// slow %D = SMA(slow %K, `slowD`). Both outputs start at index
    /// `(fastK − 1) + (slowK − 1) + (slowD − 1)` (12 for 9/3/3), as in TA-Lib. Defaults are TA-Lib's
    /// (5, 3, 3). Periods `>= 1`. A bar is a gap when high, low or close is NaN (see ``Technical``).
    public static func stoch(
        high: [Double], low: [Double], close: [Double], fastK: Int = 5, slowK: Int = 3, slowD: Int = 3
    ) -> (slowK: [Double], slowD: [Double]) {
        let n = close.count
        guard fastK >= 1, slowK >= 1, slowD >= 1 else {
            return ([Double](repeating: .nan, count: n), [Double](repeating: .nan, count: n))
        }
        let m = Swift.min(n, high.count, low.count)
        let (k, d) = outputs(count: n) { kOut, dOut in
            forEachHighLowCloseRun(high, low, close, count: m) { h, l, c, run in
                let kStart = run.lowerBound + fastK - 1
                let dStart = kStart + slowK - 1 + slowD - 1
                guard dStart < run.upperBound else { return }
                scratch(run.upperBound) { fast in
                    rollingHighLow(h, l, run, fastK) { t, highest, lowest in
                        let diff = (highest - lowest) / 100.0
                        fast[t] = diff != 0 ? (c[t] - lowest) / diff : 0
                    }
                    smaKernel(fast, kStart..<run.upperBound, slowK, kOut)
                    smaKernel(kOut, (kStart + slowK - 1)..<run.upperBound, slowD, dOut)
                    for t in run.lowerBound..<dStart { kOut[t] = .nan }
                }
            }
        }
        return (k, d)
    }
}
