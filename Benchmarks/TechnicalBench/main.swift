// Times StockSchool's indicators on 5,000 series × 2,500 bars (the shape of bench_talib.py).
// Run: scripts/bench.sh technical (with TA-Lib alongside), or swift run -c release TechnicalBench
// Each indicator is called once per series; best of 5 repeats, total seconds and µs per series.
import Foundation
import StockSchoolFactors

let seriesCount = 5000
let bars = 2500
let repeats = 5

/// xorshift64* uniform in [0, 1), and a Box–Muller normal.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func uniform() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = Swift.max(uniform(), 1e-300)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

struct Series {
    var high: [Double]
    var low: [Double]
    var close: [Double]
    var volume: [Double]
}

var generator = Generator()
let data: [Series] = (0..<seriesCount).map { _ in
    var price = 10.0
    var series = Series(high: [], low: [], close: [], volume: [])
    for _ in 0..<bars {
        price *= exp(generator.normal() * 0.02)
        series.close.append(price)
        series.high.append(price * (1 + Swift.abs(generator.normal()) * 0.01))
        series.low.append(price * (1 - Swift.abs(generator.normal()) * 0.01))
        series.volume.append(Double(10_000 + Int(generator.uniform() * 990_000)))
    }
    return series
}

let indicators: [(String, (Series) -> Double)] = [
    ("sma20", { Technical.sma($0.close, period: 20)[bars - 1] }),
    ("ema20", { Technical.ema($0.close, period: 20)[bars - 1] }),
    ("wma20", { Technical.wma($0.close, period: 20)[bars - 1] }),
    ("rsi14", { Technical.rsi($0.close, period: 14)[bars - 1] }),
    ("roc10", { Technical.roc($0.close, period: 10)[bars - 1] }),
    ("mom10", { Technical.mom($0.close, period: 10)[bars - 1] }),
    ("atr14", { Technical.atr(high: $0.high, low: $0.low, close: $0.close)[bars - 1] }),
    ("natr14", { Technical.natr(high: $0.high, low: $0.low, close: $0.close)[bars - 1] }),
    ("willr14", { Technical.willr(high: $0.high, low: $0.low, close: $0.close)[bars - 1] }),
    ("cci14", { Technical.cci(high: $0.high, low: $0.low, close: $0.close)[bars - 1] }),
    ("mfi14", { Technical.mfi(high: $0.high, low: $0.low, close: $0.close, volume: $0.volume)[bars - 1] }),
    ("obv", { Technical.obv(close: $0.close, volume: $0.volume)[bars - 1] }),
    ("macd", { Technical.macd($0.close).hist[bars - 1] }),
    ("bbands20", { Technical.bbands($0.close, period: 20).upper[bars - 1] }),
    ("stoch933", { Technical.stoch(high: $0.high, low: $0.low, close: $0.close, fastK: 9).slowD[bars - 1] }),
    ("kdj933", { Technical.kdj(high: $0.high, low: $0.low, close: $0.close).j[bars - 1] }),
    ("volatility20", { Technical.volatility($0.close)[bars - 1] }),
    ("volumeRatio5", { Technical.volumeRatio($0.volume)[bars - 1] }),
]

let clock = ContinuousClock()
var checksum = 0.0
print("StockSchool Technical: \(seriesCount) series x \(bars) bars, best of \(repeats)")
print("indicator      total s  us/series")
let only = Set(CommandLine.arguments.dropFirst())
for (name, compute) in indicators where only.isEmpty || only.contains(name) {
    var best = Duration.seconds(1_000_000)
    for _ in 0..<repeats {
        let elapsed = clock.measure {
            for series in data { checksum += compute(series) }
        }
        best = min(best, elapsed)
    }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
    let padded = name.padding(toLength: 12, withPad: " ", startingAt: 0)
    let total = (seconds * 1000).rounded() / 1000
    let perSeries = (seconds / Double(seriesCount) * 1e7).rounded() / 10
    print("\(padded) \(total)  \(perSeries)")
}
print("checksum \(checksum)")
