extension Technical {
    /// TA-Lib `OBV`: starts at the first bar's volume; then adds the volume when the close rose,
    /// subtracts it when the close fell, keeps it when unchanged. No warm-up (value from index 0).
    /// A bar is a gap when close or volume is NaN; after a gap OBV restarts from that run's first
    /// volume (OBV's level is arbitrary; its changes are what carry meaning) (see ``Technical``).
    public static func obv(close: [Double], volume: [Double]) -> [Double] {
        let n = close.count
        let m = Swift.min(n, volume.count)
        return output(count: n) { out in
            read(close) { c in
                read(volume) { v in
                    forEachRun(
                        count: m, clean: allFinite(c, m) && allFinite(v, m), isGap: { c[$0].isNaN || v[$0].isNaN }
                    ) { run in
                        var level = v[run.lowerBound]
                        out[run.lowerBound] = level
                        var i = run.lowerBound + 1
                        while i < run.upperBound {
                            if c[i] > c[i - 1] {
                                level += v[i]
                            } else if c[i] < c[i - 1] {
                                level -= v[i]
                            }
                            out[i] = level
                            i += 1
                        }
                    }
                }
            }
        }
    }

    /// Volume ratio (StockSchool's daily 量比, not in TA-Lib): today's volume divided by the mean
    /// volume of the `period` bars *before* today, `V_t / ((V_{t−1} + … + V_{t−period}) / period)`.
    /// Today is not in the denominator. First value at index `period`. NaN when that mean is not
    /// positive (no volume traded in the window). (Exchanges' intraday 量比 divides by the
    /// per-minute average instead; on daily bars at the close the two coincide.) `period >= 1`.
    /// A bar is a gap when its volume is NaN (see ``Technical``).
    public static func volumeRatio(_ volume: [Double], period: Int = 5) -> [Double] {
        let n = volume.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let p = Double(period)
        return output(count: n) { out in
            read(volume) { v in
                forEachRun(count: n, clean: allFinite(v, n), isGap: { v[$0].isNaN }) { run in
                    let first = run.lowerBound + period
                    guard first < run.upperBound else { return }
                    var total = 0.0
                    for i in run.lowerBound..<first { total += v[i] }
                    var t = first
                    while t < run.upperBound {
                        let mean = total / p
                        out[t] = mean > 0 ? v[t] / mean : .nan
                        total += v[t] - v[t - period]
                        t += 1
                    }
                }
            }
        }
    }
}
