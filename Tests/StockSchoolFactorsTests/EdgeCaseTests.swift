import Testing

@testable import StockSchoolFactors

@Suite("Edge cases")
struct EdgeCaseTests {
    @Test func emptyInputGivesEmptyOutput() {
        #expect(Technical.sma([]).isEmpty)
        #expect(Technical.rsi([]).isEmpty)
        #expect(Technical.macd([]).hist.isEmpty)
        #expect(Technical.atr(high: [], low: [], close: []).isEmpty)
        #expect(Technical.kdj(high: [], low: [], close: []).j.isEmpty)
        #expect(Technical.bbands([]).upper.isEmpty)
    }

    @Test func invalidPeriodGivesAllNaN() {
        let x = [1.0, 2, 3, 4, 5]
        #expect(Technical.sma(x, period: 0).allSatisfy { $0.isNaN })
        #expect(Technical.ema(x, period: -3).allSatisfy { $0.isNaN })
        #expect(Technical.volatility(x, period: 1).allSatisfy { $0.isNaN })
        #expect(Technical.macd(x, fastPeriod: 0).macd.allSatisfy { $0.isNaN })
        #expect(Technical.stoch(high: x, low: x, close: x, slowD: 0).slowK.allSatisfy { $0.isNaN })
        #expect(Technical.sma(x, period: 0).count == 5)
    }

    @Test func seriesShorterThanTheWarmUpIsAllNaN() {
        let x = [1.0, 2, 3]
        #expect(Technical.ema(x, period: 5).allSatisfy { $0.isNaN })
        #expect(Technical.macd(x).signal.allSatisfy { $0.isNaN })
        #expect(Technical.cci(high: x, low: x, close: x).allSatisfy { $0.isNaN })
    }

    /// Shorter secondary inputs: the output has the primary (close) length; missing bars are gaps.
    @Test func shorterInputsAreGapsNotCrashes() {
        let close = [10.0, 11, 12, 13, 14]
        let high = close.map { $0 + 1 }
        let willr = Technical.willr(high: high, low: Array(close.prefix(3)), close: close, period: 2)
        #expect(willr.count == 5)
        #expect(willr[3].isNaN && willr[4].isNaN)
        // t=1: HH=max(11,12)=12, LL=min(10,11)=10, (12−11)/(12−10)·(−100)=−50.
        #expect(willr[1] == -50)
    }

    /// Zero ranges follow TA-Lib: 0 for RSI/WILLR/STOCH/CCI/MFI, σ = 0 for BBANDS.
    @Test func flatSeries() {
        let flat = [Double](repeating: 5, count: 40)
        let volume = [Double](repeating: 100, count: 40)
        #expect(Technical.rsi(flat)[14...].allSatisfy { $0 == 0 })
        #expect(Technical.willr(high: flat, low: flat, close: flat)[13...].allSatisfy { $0 == 0 })
        #expect(Technical.cci(high: flat, low: flat, close: flat)[13...].allSatisfy { $0 == 0 })
        #expect(Technical.mfi(high: flat, low: flat, close: flat, volume: volume)[14...].allSatisfy { $0 == 0 })
        #expect(Technical.stoch(high: flat, low: flat, close: flat).slowD[8...].allSatisfy { $0 == 0 })
        let bands = Technical.bbands(flat, period: 20)
        #expect(bands.upper[19...].allSatisfy { $0 == 5 } && bands.lower[19...].allSatisfy { $0 == 5 })
        #expect(Technical.atr(high: flat, low: flat, close: flat)[14...].allSatisfy { $0 == 0 })
    }

    /// Small cases checked by hand against the TA-Lib definitions.
    @Test func handComputedClassics() {
        let x = [1.0, 2, 4, 3, 5]
        // RSI(2): changes +1,+2,−1,+2. Seed at t=2: gain=(1+2)/2=1.5, loss=0 → 100.
        // t=3: gain=1.5·1/2=0.75, loss=(0+1)/2=0.5 → 100·0.75/1.25=60.
        // t=4: gain=(0.75+2)/2=1.375, loss=0.25 → 100·1.375/1.625=1100/13.
        expectClose(Technical.rsi(x, period: 2), [.nan, .nan, 100, 60, 1100.0 / 13], "rsi")
        // WMA(3) at t=2: (1·1+2·2+3·4)/6=17/6; t=3: (2+8+9)/6=19/6; t=4: (4+6+15)/6=25/6.
        expectClose(Technical.wma(x, period: 3), [.nan, .nan, 17.0 / 6, 19.0 / 6, 25.0 / 6], "wma")
        // EMA(3), k=1/2: seed mean(1,2,4)=7/3; t=3: (3−7/3)/2+7/3=8/3; t=4: (5−8/3)/2+8/3=23/6.
        expectClose(Technical.ema(x, period: 3), [.nan, .nan, 7.0 / 3, 8.0 / 3, 23.0 / 6], "ema")
        // ROC(2): t=2: (4/1−1)·100=300; t=3: (3/2−1)·100=50; t=4: (5/4−1)·100=25.
        expectClose(Technical.roc(x, period: 2), [.nan, .nan, 300, 50, 25], "roc")
        // BBANDS(3, 1, 1) at t=2: mean 7/3, population variance ((4/3)²+(1/3)²+(5/3)²)/3=42/27=14/9.
        let bands = Technical.bbands(x, period: 3, nbdevUp: 1, nbdevDn: 1)
        #expect(Swift.abs(bands.upper[2] - (7.0 / 3 + (14.0 / 9).squareRoot())) < 1e-12)
        #expect(Swift.abs(bands.lower[2] - (7.0 / 3 - (14.0 / 9).squareRoot())) < 1e-12)
    }
}
