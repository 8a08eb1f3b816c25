import Foundation
import Testing

@testable import StockSchoolFactors

/// Deterministic SplitMix64.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random series with NaN gaps (single days and multi-day suspensions). `tied` puts values on a 0.5 grid so that
/// ties are frequent.
func randomSeries(count: Int, seed: UInt64, tied: Bool) -> [Double] {
    var rng = SeededGenerator(state: seed)
    var out: [Double] = []
    var level = 10.0
    var i = 0
    while i < count {
        let u = Double.random(in: 0..<1, using: &rng)
        if u < 0.04 {
            let gap = Int.random(in: 1...12, using: &rng)
            for _ in 0..<gap where i < count {
                out.append(.nan)
                i += 1
            }
            continue
        }
        level += Double.random(in: -1...1, using: &rng)
        out.append(tied ? (level * 2).rounded() / 2 : level)
        i += 1
    }
    return out
}

/// Index and values of the first disagreement (NaN must match NaN; `tolerance` is relative with a floor of 1 on the
/// scale, 0 means bit-exact), or nil when the arrays agree.
func firstMismatch(_ a: [Double], _ b: [Double], tolerance: Double) -> String? {
    guard a.count == b.count else { return "counts \(a.count) vs \(b.count)" }
    for (i, (u, v)) in zip(a, b).enumerated() {
        let same: Bool
        if u.isNaN || v.isNaN {
            same = u.isNaN == v.isNaN
        } else if tolerance == 0 {
            same = u == v
        } else {
            same = abs(u - v) <= tolerance * Swift.max(1, abs(u), abs(v))
        }
        if !same { return "row \(i): got \(u), want \(v)" }
    }
    return nil
}

func sameValues(_ a: [Double], _ b: [Double], tolerance: Double) -> Bool {
    firstMismatch(a, b, tolerance: tolerance) == nil
}

struct KernelCase: CustomStringConvertible, Sendable {
    let name: String
    let exact: Bool
    let kernel: @Sendable ([Double], Int, Int) -> [Double]
    let naive: @Sendable ([Double], Int, Int) -> [Double]
    var description: String { name }
}

let singleSeriesKernels: [KernelCase] = [
    KernelCase(
        name: "sum", exact: false, kernel: { Rolling.sum($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.sum),
    KernelCase(
        name: "mean", exact: false, kernel: { Rolling.mean($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.mean),
    KernelCase(
        name: "variance", exact: false, kernel: { Rolling.variance($0, window: $1, minPeriods: $2) },
        naive: NaiveRolling.variance),
    KernelCase(
        name: "std", exact: false, kernel: { Rolling.std($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.std),
    KernelCase(
        name: "skew", exact: false, kernel: { Rolling.skew($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.skew),
    KernelCase(
        name: "kurt", exact: false, kernel: { Rolling.kurt($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.kurt),
    KernelCase(
        name: "count", exact: true, kernel: { Rolling.count($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.count
    ),
    KernelCase(
        name: "max", exact: true, kernel: { Rolling.max($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.maximum),
    KernelCase(
        name: "min", exact: true, kernel: { Rolling.min($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.minimum),
    KernelCase(
        name: "idxMax", exact: true, kernel: { Rolling.idxMax($0, window: $1, minPeriods: $2) },
        naive: { NaiveRolling.idx($0, $1, $2, wantMax: true) }),
    KernelCase(
        name: "idxMin", exact: true, kernel: { Rolling.idxMin($0, window: $1, minPeriods: $2) },
        naive: { NaiveRolling.idx($0, $1, $2, wantMax: false) }),
    KernelCase(
        name: "median", exact: true, kernel: { Rolling.median($0, window: $1, minPeriods: $2) },
        naive: NaiveRolling.median),
    KernelCase(
        name: "quantile0.8", exact: true, kernel: { Rolling.quantile($0, window: $1, q: 0.8, minPeriods: $2) },
        naive: { NaiveRolling.quantile($0, $1, 0.8, $2) }),
    KernelCase(
        name: "quantile0.2", exact: true, kernel: { Rolling.quantile($0, window: $1, q: 0.2, minPeriods: $2) },
        naive: { NaiveRolling.quantile($0, $1, 0.2, $2) }),
    KernelCase(
        name: "rank", exact: true, kernel: { Rolling.rank($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.rank),
    KernelCase(
        name: "mad", exact: false, kernel: { Rolling.mad($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.mad),
    KernelCase(
        name: "slope", exact: false, kernel: { Rolling.slope($0, window: $1, minPeriods: $2) },
        naive: NaiveRolling.slope),
    KernelCase(
        name: "rsquare", exact: false, kernel: { Rolling.rsquare($0, window: $1, minPeriods: $2) },
        naive: NaiveRolling.rsquare),
    KernelCase(
        name: "resi", exact: false, kernel: { Rolling.resi($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.resi),
    KernelCase(
        name: "wma", exact: false, kernel: { Rolling.wma($0, window: $1, minPeriods: $2) }, naive: NaiveRolling.wma),
]

@Suite("Rolling kernels vs naive O(n·w) reference")
struct RollingPropertyTests {
    static let windows = [1, 2, 5, 20, 60]

    @Test(arguments: singleSeriesKernels)
    func matchesNaive(_ k: KernelCase) {
        for seed in UInt64(1)...6 {
            let x = randomSeries(count: 300, seed: seed, tied: seed % 2 == 0)
            for w in Self.windows {
                for p in Set([1, w]) {
                    let got = k.kernel(x, w, p)
                    let want = k.naive(x, w, p)
                    let mismatch = firstMismatch(got, want, tolerance: k.exact ? 0 : 1e-9)
                    #expect(mismatch == nil, "\(k.name) seed=\(seed) window=\(w) minPeriods=\(p): \(mismatch ?? "")")
                }
            }
        }
    }

    @Test func pairKernelsMatchNaive() {
        for seed in UInt64(1)...6 {
            let x = randomSeries(count: 300, seed: seed, tied: seed % 2 == 0)
            let y = randomSeries(count: 300, seed: seed + 100, tied: seed % 3 == 0)
            for w in Self.windows {
                for p in Set([1, w]) {
                    let covMismatch = firstMismatch(
                        Rolling.cov(x, y, window: w, minPeriods: p), NaiveRolling.cov(x, y, w, p), tolerance: 1e-9)
                    #expect(covMismatch == nil, "cov seed=\(seed) window=\(w) minPeriods=\(p): \(covMismatch ?? "")")
                    let corrMismatch = firstMismatch(
                        Rolling.corr(x, y, window: w, minPeriods: p), NaiveRolling.corr(x, y, w, p), tolerance: 1e-9)
                    #expect(corrMismatch == nil, "corr seed=\(seed) window=\(w) minPeriods=\(p): \(corrMismatch ?? "")")
                }
            }
        }
    }

    @Test func emaRefDeltaMatchNaive() {
        for seed in UInt64(1)...6 {
            let x = randomSeries(count: 300, seed: seed, tied: false)
            for span in [1, 2, 5, 20, 60] {
                let mismatch = firstMismatch(Rolling.ema(x, span: span), NaiveRolling.ema(x, span), tolerance: 1e-9)
                #expect(mismatch == nil, "ema seed=\(seed) span=\(span): \(mismatch ?? "")")
            }
            for shift in [-5, -1, 0, 1, 2, 20, 400, -400] {
                let r = NaiveRolling.ref(x, shift)
                #expect(sameValues(Rolling.ref(x, shift: shift), r, tolerance: 0))
                #expect(sameValues(Rolling.delta(x, shift: shift), zip(x, r).map { $0 - $1 }, tolerance: 0))
            }
        }
    }

    /// 100,000 values around 1e6 with small noise: the streaming std equals a two-pass computation.
    @Test func stdIsStableOnLongOffsetSeries() {
        var rng = SeededGenerator(state: 42)
        let x = (0..<100_000).map { _ in 1e6 + Double.random(in: -0.5...0.5, using: &rng) }
        let got = Rolling.std(x, window: 60)
        for i in stride(from: 59, to: x.count, by: 997) {
            let v = Array(x[(i - 59)...i])
            let m = v.reduce(0, +) / 60
            let twoPass = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 59).squareRoot()
            #expect(abs(got[i] - twoPass) <= 1e-9 * twoPass, "row \(i)")
        }
        let last = Array(x.suffix(60))
        let m = last.reduce(0, +) / 60
        let twoPass = (last.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 59).squareRoot()
        #expect(abs((got.last ?? .nan) - twoPass) <= 1e-9 * twoPass)
        // Mean, skew and correlation on the same data stay accurate too.
        let mean = Rolling.mean(x, window: 60)
        #expect(abs((mean.last ?? .nan) - m) <= 1e-12 * m)
    }
}
