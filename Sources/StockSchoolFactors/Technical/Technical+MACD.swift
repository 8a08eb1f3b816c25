extension Technical {
    /// TA-Lib `MACD` (EMA-based; k = 2/(period+1) for all three EMAs). The slow EMA is seeded with
    /// the mean of the first `slowPeriod` closes (ending at index slow − 1); the fast EMA is seeded
    /// with the mean of the `fastPeriod` closes ending on the *same* bar, so both seeds end at index
    /// slow − 1. MACD = fast − slow from there; the signal is an EMA of MACD seeded with the mean of
    /// its first `signalPeriod` values. All three outputs start at index
    /// (slow − 1) + (signal − 1) (33 for 12/26/9); hist = MACD − signal. If `slowPeriod` is less than
    /// `fastPeriod` they are swapped, as TA-Lib does. Periods `>= 1`. Gaps restart everything
    /// (see ``Technical``).
    public static func macd(
        _ close: [Double], fastPeriod: Int = 12, slowPeriod: Int = 26, signalPeriod: Int = 9
    ) -> (macd: [Double], signal: [Double], hist: [Double]) {
        let n = close.count
        guard fastPeriod >= 1, slowPeriod >= 1, signalPeriod >= 1 else {
            let empty = [Double](repeating: .nan, count: n)
            return (empty, empty, empty)
        }
        let fast = Swift.min(fastPeriod, slowPeriod)
        let slow = Swift.max(fastPeriod, slowPeriod)
        let kFast = 2.0 / Double(fast + 1)
        let kSlow = 2.0 / Double(slow + 1)
        let kSignal = 2.0 / Double(signalPeriod + 1)
        let (line, signal, hist) = outputs(count: n) { lineOut, signalOut, histOut in
            read(close) { x in
                forEachRun(count: n, clean: allFinite(x, n), isGap: { x[$0].isNaN }) { run in
                    let seedEnd = run.lowerBound + slow - 1
                    let start = seedEnd + signalPeriod - 1
                    guard start < run.upperBound else { return }
                    // Both EMAs and the signal in one pass (independent chains run in parallel).
                    var fastTotal = 0.0
                    for i in (seedEnd - fast + 1)...seedEnd { fastTotal += x[i] }
                    var slowTotal = 0.0
                    for i in (seedEnd - slow + 1)...seedEnd { slowTotal += x[i] }
                    var fastEMA = fastTotal / Double(fast)
                    var slowEMA = slowTotal / Double(slow)
                    var signalTotal = fastEMA - slowEMA
                    var i = seedEnd + 1
                    while i <= start {
                        fastEMA = (x[i] - fastEMA) * kFast + fastEMA
                        slowEMA = (x[i] - slowEMA) * kSlow + slowEMA
                        signalTotal += fastEMA - slowEMA
                        i += 1
                    }
                    var signalEMA = signalTotal / Double(signalPeriod)
                    lineOut[start] = fastEMA - slowEMA
                    signalOut[start] = signalEMA
                    histOut[start] = lineOut[start] - signalEMA
                    while i < run.upperBound {
                        fastEMA = (x[i] - fastEMA) * kFast + fastEMA
                        slowEMA = (x[i] - slowEMA) * kSlow + slowEMA
                        let line = fastEMA - slowEMA
                        signalEMA = (line - signalEMA) * kSignal + signalEMA
                        lineOut[i] = line
                        signalOut[i] = signalEMA
                        histOut[i] = line - signalEMA
                        i += 1
                    }
                }
            }
        }
        return (line, signal, hist)
    }

    /// The Chinese MACD bar (MACD 柱): 2 × (DIF − DEA), with DIF and DEA being TA-Lib's MACD line
    /// and signal from ``macd(_:fastPeriod:slowPeriod:signalPeriod:)`` — same SMA seeds, same
    /// warm-up (first value at index 33 for 12/26/9). (Chinese charting software seeds its EMAs
    /// with the first close instead and so differs during roughly the first 100 bars.)
    public static func macdBar(
        _ close: [Double], fastPeriod: Int = 12, slowPeriod: Int = 26, signalPeriod: Int = 9
    ) -> [Double] {
        macd(close, fastPeriod: fastPeriod, slowPeriod: slowPeriod, signalPeriod: signalPeriod).hist.map { 2 * $0 }
    }
}
