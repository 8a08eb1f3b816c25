import Testing

@testable import StockSchoolFactors

/// KDJ, the MACD bar, volatility and volume ratio on short series, expected values worked out by
/// hand (exact fractions in the comments).
@Suite("Chinese conventions, hand-computed")
struct ChineseIndicatorTests {
    @Test func kdj() {
        let high = [10.0, 11, 12, 11, 13]
        let low = [8.0, 9, 10, 9, 10]
        let close = [9.0, 10, 11, 10, 12]
        let result = Technical.kdj(high: high, low: low, close: close, n: 3, m1: 3, m2: 3)
        // t=2: HHV(10,11,12)=12, LLV(8,9,10)=8, RSV=(11−8)/(12−8)·100=75.
        //   K=(75+2·50)/3=175/3; D=(175/3+2·50)/3=475/9; J=3·175/3−2·475/9=625/9.
        // t=3: HHV(11,12,11)=12, LLV(9,10,9)=9, RSV=(10−9)/(12−9)·100=100/3.
        //   K=(100/3+2·175/3)/3=50; D=(50+2·475/9)/3=1400/27; J=150−2800/27=1250/27.
        // t=4: HHV(12,11,13)=13, LLV(10,9,10)=9, RSV=(12−9)/(13−9)·100=75.
        //   K=(75+2·50)/3=175/3; D=(175/3+2·1400/27)/3=4375/81; J=175−8750/81=5425/81.
        let nan = Double.nan
        expectClose(result.k, [nan, nan, 175.0 / 3, 50, 175.0 / 3], relative: 1e-12, "K")
        expectClose(result.d, [nan, nan, 475.0 / 9, 1400.0 / 27, 4375.0 / 81], relative: 1e-12, "D")
        expectClose(result.j, [nan, nan, 625.0 / 9, 1250.0 / 27, 5425.0 / 81], relative: 1e-12, "J")
    }

    @Test func kdjFlatWindowIsNeutral() {
        // HHV = LLV: RSV is 50, so K = D = J = 50 from the 50 seeds.
        let flat = [5.0, 5, 5, 5]
        let result = Technical.kdj(high: flat, low: flat, close: flat, n: 3)
        expectClose(result.k, [.nan, .nan, 50, 50], "K")
        expectClose(result.d, [.nan, .nan, 50, 50], "D")
        expectClose(result.j, [.nan, .nan, 50, 50], "J")
    }

    @Test func kdjDefaultsAre933() {
        let bars = (0..<12).map { 10 + Double($0 % 4) }
        let result = Technical.kdj(high: bars.map { $0 + 1 }, low: bars.map { $0 - 1 }, close: bars)
        #expect(firstValue(result.k) == 8)
        // t=8: closes 10,11,12,13,10,11,12,13,10 → HHV=14, LLV=9, RSV=(10−9)/(14−9)·100=20;
        // K=(20+100)/3=40; D=(40+100)/3=140/3; J=120−280/3=80/3.
        #expect(Swift.abs(result.k[8] - 40) < 1e-12)
        #expect(Swift.abs(result.d[8] - 140.0 / 3) < 1e-12)
        #expect(Swift.abs(result.j[8] - 80.0 / 3) < 1e-12)
    }

    @Test func macdBar() {
        // fast 2 (k=2/3), slow 3 (k=1/2), signal 2 (k=2/3); closes 1,2,3,5,4,6.
        // Seeds end at t=2: slow=mean(1,2,3)=2, fast=mean(2,3)=5/2, DIF[2]=1/2.
        // t=3: fast=(5−5/2)·2/3+5/2=25/6, slow=(5−2)/2+2=7/2, DIF=2/3.
        // t=4: fast=(4−25/6)·2/3+25/6=73/18, slow=(4−7/2)/2+7/2=15/4, DIF=11/36.
        // t=5: fast=(6−73/18)·2/3+73/18=289/54, slow=(6−15/4)/2+15/4=39/8, DIF=103/216.
        // DEA seeded at t=3 with mean(1/2, 2/3)=7/12; bar=2·(2/3−7/12)=1/6.
        // t=4: DEA=(11/36−7/12)·2/3+7/12=43/108; bar=2·(11/36−43/108)=−5/27.
        // t=5: DEA=(103/216−43/108)·2/3+43/108=73/162; bar=2·(103/216−73/162)=17/324.
        let close = [1.0, 2, 3, 5, 4, 6]
        let nan = Double.nan
        let bar = Technical.macdBar(close, fastPeriod: 2, slowPeriod: 3, signalPeriod: 2)
        expectClose(bar, [nan, nan, nan, 1.0 / 6, -5.0 / 27, 17.0 / 324], relative: 1e-12, "bar")
        let macd = Technical.macd(close, fastPeriod: 2, slowPeriod: 3, signalPeriod: 2)
        expectClose(macd.macd, [nan, nan, nan, 2.0 / 3, 11.0 / 36, 103.0 / 216], relative: 1e-12, "DIF")
        expectClose(macd.signal, [nan, nan, nan, 7.0 / 12, 43.0 / 108, 73.0 / 162], relative: 1e-12, "DEA")
        // Swapped periods behave as TA-Lib: the shorter one is the fast EMA.
        expectClose(Technical.macdBar(close, fastPeriod: 3, slowPeriod: 2, signalPeriod: 2), bar, "swapped")
    }

    @Test func macdBarIsTwiceTheTALibHistogram() throws {
        let vectors = try TAVectors.load()
        expectClose(Technical.macdBar(vectors.close), try vectors("macd_hist").map { 2 * $0 }, "bar")
    }

    @Test func volatility() {
        // Returns: 11/10−1=0.1, 9.9/11−1=−0.1, 10.89/9.9−1=0.1, 10.89/10.89−1=0.
        // t=3: mean=(0.1−0.1+0.1)/3=1/30; deviations 1/15, −2/15, 1/15;
        //   squares 1/225+4/225+1/225=6/225; /(3−1)=1/75; σ=√(1/75).
        // t=4: returns −0.1, 0.1, 0: mean 0; squares 0.02; /2=0.01; σ=0.1.
        let close = [10.0, 11, 9.9, 10.89, 10.89]
        let result = Technical.volatility(close, period: 3)
        expectClose(result, [.nan, .nan, .nan, (1.0 / 75).squareRoot(), 0.1], "volatility")
    }

    @Test func volatilityOfAFlatSeriesIsExactlyZero() {
        let result = Technical.volatility([Double](repeating: 7.5, count: 25))
        #expect(firstValue(result) == 20)
        #expect(result[20...].allSatisfy { $0 == 0 })
    }

    @Test func volatilityTreatsNonPositiveClosesAsGaps() {
        // The 0 close is a gap: the run restarts at 20, so returns 20→22 (0.1) and 22→19.8 (−0.1);
        // σ over 2 returns: mean 0, squares 0.02, /(2−1) → √0.02.
        let result = Technical.volatility([10, 11, 0, 20, 22, 19.8], period: 2)
        expectClose(result, [.nan, .nan, .nan, .nan, .nan, 0.02.squareRoot()], "volatility")
    }

    @Test func volumeRatio() {
        // t=3: 400/mean(100,200,300)=400/200=2. t=4: 0/mean(200,300,400)=0.
        // t=5: 0/(700/3)=0. t=6: 0/(400/3)=0. t=7: mean(0,0,0)=0 → NaN (undefined).
        let volume = [100.0, 200, 300, 400, 0, 0, 0, 50]
        let result = Technical.volumeRatio(volume, period: 3)
        expectClose(result, [.nan, .nan, .nan, 2, 0, 0, 0, .nan], "volume ratio")
    }

    @Test func volumeRatioDefaultIsFivePreviousDays() {
        // t=5: 12 / mean(1,2,3,4,5) = 12/3 = 4; t=6: 6 / mean(2,3,4,5,12) = 6/5.2.
        let result = Technical.volumeRatio([1, 2, 3, 4, 5, 12, 6])
        expectClose(result, [.nan, .nan, .nan, .nan, .nan, 4, 6 / 5.2], "volume ratio")
    }
}
