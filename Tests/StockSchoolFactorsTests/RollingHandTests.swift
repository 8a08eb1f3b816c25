import Foundation
import Testing

@testable import StockSchoolFactors

let nan = Double.nan
/// One suspension day inside the window.
let gappy: [Double] = [1, 2, nan, 4, 8]

func expectSeries(
    _ got: [Double], _ want: [Double], tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation
) {
    let mismatch = firstMismatch(got, want, tolerance: tolerance)
    #expect(mismatch == nil, "\(mismatch ?? "")", sourceLocation: sourceLocation)
}

@Suite("Rolling kernels, hand-computed")
struct RollingHandTests {
    @Test func sumMeanCount() {
        // windows of 3 over [1, 2, NaN, 4, 8]: [1], [1,2], [1,2,_], [2,_,4], [_,4,8]
        expectSeries(Rolling.sum(gappy, window: 3), [1, 1 + 2, 1 + 2, 2 + 4, 4 + 8])
        expectSeries(Rolling.mean(gappy, window: 3), [1, (1 + 2) / 2, (1 + 2) / 2, (2 + 4) / 2, (4 + 8) / 2])
        expectSeries(Rolling.count(gappy, window: 3), [1, 2, 2, 2, 2])
        // pandas count: min_periods counts rows, so strict mode is NaN only for the first window-1 rows
        expectSeries(Rolling.count(gappy, window: 3, minPeriods: 3), [nan, nan, 2, 2, 2])
        // an all-NaN window: sum NaN, count 0
        expectSeries(Rolling.sum([1, nan, nan], window: 2), [1, 1, nan])
        expectSeries(Rolling.count([1, nan, nan], window: 2), [1, 1, 0])
    }

    @Test func strictMode() {
        // [1,2,3,NaN,5,6,7], window 3, minPeriods 3: only complete windows [1,2,3] and [5,6,7]
        let x: [Double] = [1, 2, 3, nan, 5, 6, 7]
        expectSeries(
            Rolling.mean(x, window: 3, minPeriods: 3), [nan, nan, (1 + 2 + 3) / 3, nan, nan, nan, (5 + 6 + 7) / 3])
        expectSeries(Rolling.max(x, window: 3, minPeriods: 3), [nan, nan, 3, nan, nan, nan, 7])
        expectSeries(Rolling.median(x, window: 3, minPeriods: 3), [nan, nan, 2, nan, nan, nan, 6])
        expectSeries(Rolling.slope(x, window: 3, minPeriods: 3), [nan, nan, 1, nan, nan, nan, 1])
        // minPeriods 2: the window [3,_,5] has two values
        expectSeries(Rolling.sum(x, window: 3, minPeriods: 2), [nan, 1 + 2, 1 + 2 + 3, 2 + 3, 3 + 5, 5 + 6, 5 + 6 + 7])
    }

    @Test func windowLongerThanSeriesAndInvalidArguments() {
        expectSeries(Rolling.mean([1, 2, 3], window: 10), [1, (1 + 2) / 2, (1 + 2 + 3) / 3])
        expectSeries(Rolling.mean([1, 2, 3], window: 10, minPeriods: 10), [nan, nan, nan])
        expectSeries(Rolling.max([1, 2, 3], window: 0), [nan, nan, nan])
        expectSeries(Rolling.std([1, 2, 3], window: 3, minPeriods: 0), [nan, nan, nan])
        expectSeries(Rolling.rank([1, 2, 3], window: 2, minPeriods: 3), [nan, nan, nan])
        expectSeries(Rolling.quantile([1, 2, 3], window: 2, q: 1.5), [nan, nan, nan])
        expectSeries(Rolling.ema([1, 2, 3], span: 0), [nan, nan, nan])
        #expect(Rolling.mean([Double](), window: 3).isEmpty)
    }

    @Test func shorterOutputBufferWritesOnlyItsRows() {
        let x: [Double] = [1, 2, 3, 4]
        var out: [Double] = [-1, -1]
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { Rolling.sum(xb, window: 2, minPeriods: 1, into: $0) }
        }
        expectSeries(out, [1, 1 + 2])
    }

    @Test func varianceAndStd() {
        // sample variance: [1] NaN; var(1,2) = ((−.5)²+(.5)²)/1 = 0.5; var(2,4) = (1+1)/1 = 2; var(4,8) = (4+4)/1 = 8
        expectSeries(Rolling.variance(gappy, window: 3), [nan, 0.5, 0.5, 2, 8])
        expectSeries(
            Rolling.std(gappy, window: 3),
            [nan, (0.5).squareRoot(), (0.5).squareRoot(), (2.0).squareRoot(), (8.0).squareRoot()])
        // constant series: std exactly 0
        expectSeries(Rolling.std([5, 5, 5, 5, 5], window: 3), [nan, 0, 0, 0, 0], tolerance: 0)
    }

    @Test func skewAndKurt() {
        // skew of (1,2,4): mean 7/3, deviations −4/3, −1/3, 5/3; m2 = (16+1+25)/9/3 = 14/9, m3 = (−64−1+125)/27/3 = 20/27
        // skew = sqrt(n(n−1))/(n−2) · m3/m2^1.5 = sqrt(6)/1 · (20/27)/(14/9)^1.5; (2,4,8) is the same shape doubled
        let skew124 = (6.0).squareRoot() * (20.0 / 27) / pow(14.0 / 9, 1.5)
        expectSeries(Rolling.skew(gappy, window: 4), [nan, nan, nan, skew124, skew124])
        // skew of (1,2,4,8): mean 3.75, deviations −2.75, −1.75, .25, 4.25
        // m2 = (7.5625+3.0625+.0625+18.0625)/4 = 7.1875; m3 = (−20.796875−5.359375+.015625+76.765625)/4 = 12.65625
        // m4 = (57.19140625+9.37890625+.00390625+326.25390625)/4 = 98.20703125
        let m2 = 7.1875
        let m3 = 12.65625
        let m4 = 98.20703125
        expectSeries(Rolling.skew([1, 2, 4, 8], window: 4).suffix(1), [(12.0).squareRoot() / 2 * m3 / pow(m2, 1.5)])
        // kurt = ((n²−1)·m4/m2² − 3(n−1)²) / ((n−2)(n−3)) = (15·m4/m2² − 27) / 2
        expectSeries(Rolling.kurt([1, 2, 4, 8], window: 4), [nan, nan, nan, (15 * m4 / (m2 * m2) - 27) / 2])
        // kurt needs 4 values: (1,2,_,4) has only 3
        expectSeries(Rolling.kurt(gappy, window: 4), [nan, nan, nan, nan, nan])
        // constant window: undefined → NaN (pandas ≥ 3)
        expectSeries(Rolling.skew([5, 5, 5, 5], window: 4), [nan, nan, nan, nan])
        expectSeries(Rolling.kurt([5, 5, 5, 5], window: 4), [nan, nan, nan, nan])
    }

    @Test func maxMinIdx() {
        expectSeries(Rolling.max(gappy, window: 3), [1, 2, 2, 4, 8], tolerance: 0)
        expectSeries(Rolling.min(gappy, window: 3), [1, 1, 1, 2, 4], tolerance: 0)
        // Qlib's np.argmax: a NaN in the window wins (position of the first NaN)
        // [1]→1, [1,2]→2, [1,2,NaN]→3, [2,NaN,4]→2, [NaN,4,8]→1
        expectSeries(Rolling.idxMax(gappy, window: 3), [1, 2, 3, 2, 1], tolerance: 0)
        expectSeries(Rolling.idxMin(gappy, window: 3), [1, 1, 3, 2, 1], tolerance: 0)
        // ties: first occurrence. [3]→1, [3,1]→1, [3,1,3]→1, [1,3,3]→2, [3,3,1]→1
        let z: [Double] = [3, 1, 3, 3, 1]
        expectSeries(Rolling.idxMax(z, window: 3), [1, 1, 1, 2, 1], tolerance: 0)
        // [3]→1, [3,1]→2, [3,1,3]→2, [1,3,3]→1, [3,3,1]→3
        expectSeries(Rolling.idxMin(z, window: 3), [1, 2, 2, 1, 3], tolerance: 0)
    }

    @Test func medianQuantileRank() {
        let z: [Double] = [3, 1, 3, 3, 1]
        // [3]→3, [1,3]→(1+3)/2, [1,3,3]→3, [1,3,3]→3, [1,3,3]→3
        expectSeries(Rolling.median(z, window: 3), [3, 2, 3, 3, 3], tolerance: 0)
        // q=0.25 over [1,2,NaN,4,8]: [1]→1; [1,2]: p=.25·1 → 1+(2−1)·.25; [2,4]: 2+2·.25; [4,8]: 4+4·.25
        expectSeries(Rolling.quantile(gappy, window: 3, q: 0.25), [1, 1.25, 1.25, 2.5, 5], tolerance: 0)
        // q=0.8 over z: [1,3]: p=.8 → 1+2·.8 = 2.6; [1,3,3]: p=1.6 → 3+(3−3)·.6 = 3
        expectSeries(Rolling.quantile(z, window: 3, q: 0.8), [3, 2.6, 3, 3, 3])
        // rank(pct) of the latest value, ties averaged:
        // [3]: 1/1; [3,1]: 1 ranks 1 → 1/2; [3,1,3]: 3 ranks (2+3)/2 → 2.5/3; [1,3,3] → 2.5/3; [3,3,1]: 1 → 1/3
        expectSeries(Rolling.rank(z, window: 3), [1, 0.5, 2.5 / 3, 2.5 / 3, 1.0 / 3], tolerance: 0)
        // latest NaN → NaN; [2,NaN,4]: 4 ranks 2 of 2 → 1; [NaN,4,8]: 8 ranks 2 of 2 → 1
        expectSeries(Rolling.rank(gappy, window: 3), [1, 1, nan, 1, 1], tolerance: 0)
    }

    @Test func mad() {
        // [1]→0; [1,2]: mean 1.5 → (.5+.5)/2; [2,4]: mean 3 → (1+1)/2; [4,8]: mean 6 → (2+2)/2
        expectSeries(Rolling.mad(gappy, window: 3), [0, 0.5, 0.5, 1, 2])
        // [1,2,6]: mean 3 → (2+1+3)/3 = 2
        expectSeries(Rolling.mad([1, 2, 6], window: 3).suffix(1), [2])
        expectSeries(Rolling.mad([5, 5, 5, 5], window: 3), [0, 0, 0, 0], tolerance: 0)
    }

    @Test func slopeRsquareResi() {
        // window 3 over [1,3,2,5]; positions 1..3 in the window, newest at 3
        // row 2: (1,1),(2,3),(3,2): t̄=2, ȳ=2, Sxy=(−1)(−1)+0·1+1·0=1, Sxx=2, Syy=1+1+0=2
        // row 3: (1,3),(2,2),(3,5): ȳ=10/3, Sxy=(−1)(−1/3)+0+1·(5/3)=2, Sxx=2, Syy=1/9+16/9+25/9=14/3
        let x: [Double] = [1, 3, 2, 5]
        // row 1: (2,1),(3,3) → slope 2
        expectSeries(Rolling.slope(x, window: 3), [nan, 2, 1.0 / 2, 2.0 / 2])
        expectSeries(Rolling.rsquare(x, window: 3), [nan, 1, 1.0 / (2 * 2), 4 / (2 * 14.0 / 3)])
        // resi = x_i − (ȳ + slope·(3 − t̄)): row 1 exact fit 0; row 2: 2 − (2 + .5·1); row 3: 5 − (10/3 + 1·1)
        expectSeries(Rolling.resi(x, window: 3), [nan, 0, -0.5, 5 - (10.0 / 3 + 1)])
        // NaN gap keeps positions: rows of [1,2,NaN,4,8]: row 3 uses (1,2),(3,4) → slope (4−2)/(3−1) = 1;
        // row 4 uses (2,4),(3,8) → 4; row 2 resi is NaN (latest value missing)
        expectSeries(Rolling.slope(gappy, window: 3), [nan, 1, 1, 1, 4])
        expectSeries(Rolling.resi(gappy, window: 3), [nan, 0, nan, 0, 0])
        // constant: slope 0, resi 0, rsquare NaN (Qlib masks std ≈ 0)
        expectSeries(Rolling.slope([5, 5, 5, 5], window: 3), [nan, 0, 0, 0], tolerance: 0)
        expectSeries(Rolling.resi([5, 5, 5, 5], window: 3), [nan, 0, 0, 0], tolerance: 0)
        expectSeries(Rolling.rsquare([5, 5, 5, 5], window: 3), [nan, nan, nan, nan])
        // std of (1, 1.00001, 1.00002) is 1e-5 <= 2e-5: masked although the fit is perfect
        expectSeries(Rolling.rsquare([1, 1.00001, 1.00002], window: 3), [nan, nan, nan])
    }

    @Test func wmaReproducesQlibDoubleNormalisation() {
        // Qlib: nanmean(w·x) with w = (1..L)/ΣL, i.e. Σ k·x_k / (L(L+1)/2) / (non-NaN count)
        // [1]: 1·1/1/1; [1,2]: (1+4)/3/2; [1,2,NaN]: (1+4)/6/2; [2,NaN,4]: (2+12)/6/2; [NaN,4,8]: (8+24)/6/2
        expectSeries(Rolling.wma(gappy, window: 3), [1, 5.0 / 6, 5.0 / 12, 14.0 / 12, 32.0 / 12])
        // constant 5 with a full window of 3: (1+2+3)·5/6/3 = 5/3, not 5
        expectSeries(Rolling.wma([5, 5, 5, 5], window: 3), [5, 5.0 / 2, 5.0 / 3, 5.0 / 3])
    }

    @Test func corrAndCov() {
        // x=[1,2,3], y=[1,3,2]: x̄=ȳ=2, Sxy = (−1)(−1)+0·1+1·0 = 1, Sxx = Syy = 2 → cov 1/2, corr 1/2
        expectSeries(Rolling.cov([1, 2, 3], [1, 3, 2], window: 3), [nan, 1, 1.0 / 2])
        expectSeries(Rolling.corr([1, 2, 3], [1, 3, 2], window: 3), [nan, 1, 1.0 / 2])
        // pairwise: a row counts only when both are present
        // row 3 pairs: (4,1) only → NaN; row 4 pairs (4,1),(5,7): cov = ((−.5)(−3)+(.5)(3))/1 = 3, corr = 1
        let a: [Double] = [1, 2, nan, 4, 5]
        let b: [Double] = [2, nan, 3, 1, 7]
        expectSeries(Rolling.cov(a, b, window: 3), [nan, nan, nan, nan, 3])
        expectSeries(Rolling.corr(a, b, window: 3), [nan, nan, nan, nan, 1])
        // constant side: corr NaN, cov 0
        expectSeries(Rolling.corr([1, 2, 3], [4, 4, 4], window: 3), [nan, nan, nan])
        expectSeries(Rolling.cov([1, 2, 3], [4, 4, 4], window: 3), [nan, 0, 0], tolerance: 0)
        // Qlib's mask: std(1, 1, 1.00001) ≈ 5.8e-6 <= 2e-5 → NaN (pandas alone gives 0.866)
        expectSeries(Rolling.corr([1, 1, 1.00001], [1, 2, 3], window: 3), [nan, nan, nan])
    }

    @Test func ema() {
        // span 3 → α = 2/(3+1) = 0.5, weights 0.5^age; a NaN row repeats the previous value but still ages weights
        // row 2: (0.25·1 + 1·3)/(0.25 + 1) = 2.6; row 3: (0.125·1 + 0.5·3 + 1·4)/(0.125 + 0.5 + 1) = 45/13
        expectSeries(Rolling.ema([1, nan, 3, 4], span: 3), [1, 1, 2.6, 45.0 / 13])
        // leading NaN: row 2 = (0.5·2 + 4)/1.5 = 10/3
        expectSeries(Rolling.ema([nan, 2, 4], span: 3), [nan, 2, 10.0 / 3])
        expectSeries(Rolling.ema([1, nan, 3], span: 1), [1, 1, 3])
    }

    @Test func refAndDelta() {
        expectSeries(Rolling.ref(gappy, shift: 1), [nan, 1, 2, nan, 4], tolerance: 0)
        expectSeries(Rolling.ref(gappy, shift: -2), [nan, 4, 8, nan, nan], tolerance: 0)
        expectSeries(Rolling.ref(gappy, shift: 7), [nan, nan, nan, nan, nan], tolerance: 0)
        expectSeries(Rolling.ref(gappy, shift: Int.min), [nan, nan, nan, nan, nan], tolerance: 0)
        // Qlib: Ref(x, 0) is the first value
        expectSeries(Rolling.ref(gappy, shift: 0), [1, 1, 1, 1, 1], tolerance: 0)
        // Delta(x,1): [NaN, 2−1, NaN−2, 4−NaN, 8−4]; Delta(x,0) = x − x[0]
        expectSeries(Rolling.delta(gappy, shift: 1), [nan, 1, nan, nan, 4], tolerance: 0)
        expectSeries(Rolling.delta(gappy, shift: 0), [0, 1, nan, 3, 7], tolerance: 0)
        expectSeries(Rolling.delta(gappy, shift: -1), [1 - 2, nan, nan, 4 - 8, nan], tolerance: 0)
    }
}
