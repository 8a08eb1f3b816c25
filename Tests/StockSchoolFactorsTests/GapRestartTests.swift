import Testing

@testable import StockSchoolFactors

/// Suspension gaps: a NaN bar splits the series into runs, and each run is computed as if it were
/// the whole series (TA-Lib's behaviour from the run's first bar); gap bars are NaN.
@Suite("Gap restart")
struct GapRestartTests {
    struct Bars: Sendable {
        var high: [Double]
        var low: [Double]
        var close: [Double]
        var volume: [Double]

        init(high: [Double], low: [Double], close: [Double], volume: [Double]) {
            self.high = high
            self.low = low
            self.close = close
            self.volume = volume
        }

        init(_ vectors: TAVectors) {
            self.init(high: vectors.high, low: vectors.low, close: vectors.close, volume: vectors.volume)
        }

        func slice(_ range: Range<Int>) -> Bars {
            Bars(
                high: Array(high[range]), low: Array(low[range]), close: Array(close[range]),
                volume: Array(volume[range]))
        }
    }

    /// Every indicator, flattened to its list of outputs.
    static let indicators: [(name: String, compute: @Sendable (Bars) -> [[Double]])] = [
        ("sma", { [Technical.sma($0.close, period: 20)] }),
        ("ema", { [Technical.ema($0.close, period: 20)] }),
        ("wma", { [Technical.wma($0.close, period: 20)] }),
        ("rsi", { [Technical.rsi($0.close)] }),
        ("roc", { [Technical.roc($0.close)] }),
        ("mom", { [Technical.mom($0.close)] }),
        ("atr", { [Technical.atr(high: $0.high, low: $0.low, close: $0.close)] }),
        ("natr", { [Technical.natr(high: $0.high, low: $0.low, close: $0.close)] }),
        ("willr", { [Technical.willr(high: $0.high, low: $0.low, close: $0.close)] }),
        ("cci", { [Technical.cci(high: $0.high, low: $0.low, close: $0.close)] }),
        ("mfi", { [Technical.mfi(high: $0.high, low: $0.low, close: $0.close, volume: $0.volume)] }),
        ("obv", { [Technical.obv(close: $0.close, volume: $0.volume)] }),
        (
            "macd",
            {
                let r = Technical.macd($0.close)
                return [r.macd, r.signal, r.hist]
            }
        ),
        (
            "bbands",
            {
                let r = Technical.bbands($0.close, period: 20)
                return [r.upper, r.middle, r.lower]
            }
        ),
        (
            "stoch",
            {
                let r = Technical.stoch(high: $0.high, low: $0.low, close: $0.close, fastK: 9)
                return [r.slowK, r.slowD]
            }
        ),
        (
            "kdj",
            {
                let r = Technical.kdj(high: $0.high, low: $0.low, close: $0.close)
                return [r.k, r.d, r.j]
            }
        ),
        ("macdBar", { [Technical.macdBar($0.close)] }),
        ("volatility", { [Technical.volatility($0.close)] }),
        ("volumeRatio", { [Technical.volumeRatio($0.volume)] }),
    ]

    static func compute(_ name: String, _ bars: Bars) throws -> [[Double]] {
        try #require(indicators.first { $0.name == name }).compute(bars)
    }

    /// Bars 150–152 suspended (NaN in every field): the run after the gap equals the indicator
    /// computed on that run alone, the run before equals the indicator on the prefix alone.
    @Test("run after a gap equals the run alone", arguments: indicators.map(\.name))
    func restartsAfterGap(_ name: String) throws {
        let full = Bars(try TAVectors.load())
        var gapped = full
        for i in 150...152 {
            gapped.high[i] = .nan
            gapped.low[i] = .nan
            gapped.close[i] = .nan
            gapped.volume[i] = .nan
        }
        let outputs = try Self.compute(name, gapped)
        let before = try Self.compute(name, full.slice(0..<150))
        let after = try Self.compute(name, full.slice(153..<400))
        for (k, output) in outputs.enumerated() {
            #expect(output.count == 400)
            expectIdentical(output[0..<150], before[k][...], "\(name)[\(k)] before the gap")
            #expect(output[150...152].allSatisfy { $0.isNaN }, "\(name)[\(k)] on the gap")
            expectIdentical(output[153...], after[k][...], "\(name)[\(k)] after the gap")
            // The restart re-runs the warm-up: the first value after the gap comes as late after
            // bar 153 as the first value of the whole series comes after bar 0.
            let warmUp = try #require(firstValue(try Self.compute(name, full)[k]))
            #expect(output[153..<(153 + warmUp)].allSatisfy { $0.isNaN }, "\(name)[\(k)] re-warms")
            #expect(!output[153 + warmUp].isNaN, "\(name)[\(k)] first value after the gap")
        }
    }

    /// Without gaps nothing changes: the gap-free series equals the TA-Lib reference, so the
    /// restart logic is invisible on clean data (checked for one indicator per input shape).
    @Test func gapInOneInputOnlyIsAGap() throws {
        let full = Bars(try TAVectors.load())
        var gapped = full
        gapped.volume[200] = .nan  // only the volume is missing
        let mfi = Technical.mfi(high: gapped.high, low: gapped.low, close: gapped.close, volume: gapped.volume)
        let alone = full.slice(201..<400)
        let expected = Technical.mfi(high: alone.high, low: alone.low, close: alone.close, volume: alone.volume)
        #expect(mfi[200].isNaN)
        expectIdentical(mfi[201...], expected[...], "mfi after a volume gap")
        // An indicator that does not read volume ignores the volume gap.
        let atr = Technical.atr(high: gapped.high, low: gapped.low, close: gapped.close)
        expectIdentical(atr[...], Technical.atr(high: full.high, low: full.low, close: full.close)[...], "atr")
    }

    @Test func runShorterThanTheWarmUpIsAllNaN() throws {
        var close = try TAVectors.load().close
        close[100] = .nan
        close[110] = .nan  // a 9-bar run, shorter than RSI(14)'s warm-up
        let rsi = Technical.rsi(close)
        #expect(rsi[100...110].allSatisfy { $0.isNaN })
        #expect(!rsi[99].isNaN)
        #expect(rsi[111..<125].allSatisfy { $0.isNaN })
        #expect(!rsi[125].isNaN)
    }

    @Test func obvRestartsFromTheRunsFirstVolume() {
        // close 1,2,NaN,3,2 ; volume 10,20,30,40,50 → run 1: 10, 30; gap; run 2: 40, 40−50=−10.
        let obv = Technical.obv(close: [1, 2, .nan, 3, 2], volume: [10, 20, 30, 40, 50])
        expectClose(obv, [10, 30, .nan, 40, -10], "obv")
    }

    @Test func leadingAndTrailingNaNs() throws {
        let close = try TAVectors.load().close
        let padded = [.nan, .nan] + close + [.nan]
        let sma = Technical.sma(padded, period: 20)
        #expect(sma.count == 403)
        expectIdentical(sma[2..<402], Technical.sma(close, period: 20)[...], "sma")
        #expect(sma[0].isNaN && sma[1].isNaN && sma[402].isNaN)
    }
}
