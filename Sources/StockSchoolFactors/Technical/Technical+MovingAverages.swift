extension Technical {
    /// TA-Lib `SMA`: mean of the last `period` values. First value at index `period - 1`.
    /// `period >= 1`. Gaps restart the warm-up (see ``Technical``).
    public static func sma(_ values: [Double], period: Int = 30) -> [Double] {
        let n = values.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        return output(count: n) { out in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { smaKernel(x, $0, period, out) }
            }
        }
    }

    /// TA-Lib `EMA`: k = 2/(period+1); seeded with the simple mean of the first `period` values
    /// (the first output, at index `period - 1`), then `ema = (x - ema) * k + ema`.
    /// `period >= 1`. Gaps restart the seed (see ``Technical``).
    public static func ema(_ values: [Double], period: Int = 30) -> [Double] {
        let n = values.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let k = 2.0 / Double(period + 1)
        return output(count: n) { out in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    emaKernel(
                        x, seedEnd: run.lowerBound + period - 1, end: run.upperBound, period: period, k: k, out)
                }
            }
        }
    }

    /// TA-Lib `WMA`: weights 1…period (newest heaviest) divided by period·(period+1)/2. First value
    /// at index `period - 1`. Updated in O(1) per bar as TA-Lib does (running plain and weighted
    /// sums). `period >= 1`. Gaps restart the warm-up (see ``Technical``).
    public static func wma(_ values: [Double], period: Int = 30) -> [Double] {
        let n = values.count
        guard period >= 1 else { return [Double](repeating: .nan, count: n) }
        let divider = Double(period * (period + 1)) / 2
        let weight = Double(period)
        return output(count: n) { out in
            read(values) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    let first = run.lowerBound + period - 1
                    guard first < run.upperBound else { return }
                    var plainSum = 0.0
                    var weightedSum = 0.0
                    var i = run.lowerBound
                    var w = 1.0
                    while i < first {
                        plainSum += x[i]
                        weightedSum += x[i] * w
                        w += 1
                        i += 1
                    }
                    var trailing = run.lowerBound
                    var trailingValue = 0.0
                    while i < run.upperBound {
                        let value = x[i]
                        plainSum += value
                        plainSum -= trailingValue
                        weightedSum += value * weight
                        trailingValue = x[trailing]
                        trailing += 1
                        out[i] = weightedSum / divider
                        weightedSum -= plainSum
                        i += 1
                    }
                }
            }
        }
    }
}
