import Foundation
import StockSchoolCore
import StockSchoolFactors

/// Combines factors into one score per stock and date — "teachers grading students" — and ranks
/// the stocks by it.
///
/// On each date:
/// 1. every factor is z-scored across the stocks that have it (sample standard deviation) and
///    clipped at ±3, so one outlier cannot dominate;
/// 2. the composite is the weighted mean of a stock's z-scores, `Σ wᶠ·zᶠ / Σ |wᶠ|` over the
///    factors it has; a stock holding less than half of the total absolute weight gets no score;
/// 3. the composite is z-scored and clipped at ±3 again and mapped to 0–100:
///    `score = (z + 3) / 6 × 100`, so 50 is the day's average stock;
/// 4. rank 1 is the highest score (ties by ts_code), overall and within the stock's industry.
///
/// Factors are added one at a time (as the factor engine streams them out) and folded into a
/// running numerator and denominator per cell: the weights' common normaliser cancels in step 2,
/// so memory stays two numbers per cell however many factors there are.
public struct CompositeScore: Sendable {
    public let weighting: ScoreWeighting
    /// How many realised daily ICs the weights look back over.
    public let window: Int
    /// Fewer realised ICs than this for any factor and the date gets no score (IC weightings).
    public let minimumICs: Int
    /// Trade dates after an IC's own date before it is known (h, or h + 1 for the T+1 label).
    public let realisationLag: Int
    public let stocks: Int
    /// Dates of the factor columns; the first `from` are IC history only.
    public let dates: Int
    public let from: Int

    private var factors: [String] = []
    /// Per scored date and factor: the unnormalised weight and its IC statistics.
    private var raw: [[Double]] = []
    private var icMean: [[Double]] = []
    private var icStd: [[Double]] = []
    private var icCount: [[Int]] = []
    /// Per cell of the scored dates (stock-major): Σ raw·z and Σ |raw| over the factors present.
    private var numerator: [Double]
    private var denominator: [Double]

    public init(
        weighting: ScoreWeighting, window: Int = 60, minimumICs: Int? = nil, realisationLag: Int, stocks: Int,
        dates: Int, from: Int
    ) throws(StockSchoolError) {
        guard window >= 1 else { throw .invalidArgument(name: "--window", reason: "must be at least 1, got \(window)") }
        self.weighting = weighting
        self.window = window
        self.minimumICs = minimumICs ?? max(5, window / 3)
        self.realisationLag = realisationLag
        self.stocks = stocks
        self.dates = dates
        self.from = min(max(0, from), dates)
        let cells = stocks * (dates - self.from)
        self.numerator = [Double](repeating: 0, count: cells)
        self.denominator = [Double](repeating: 0, count: cells)
    }

    public var scoredDates: Int { dates - from }

    /// Folds in one factor: `values` stock-major over all `dates`, `dailyIC` its RankIC per date
    /// (NaN where none).
    public mutating func add(
        _ name: String, values: UnsafeBufferPointer<Double>, dailyIC: [Double]
    ) throws(StockSchoolError) {
        guard values.count == stocks * dates, dailyIC.count == dates else {
            throw .invalidArgument(
                name: "factor \(name)", reason: "has \(values.count) values for \(stocks) stocks × \(dates) dates")
        }
        let out = scoredDates
        var weights = [Double](repeating: .nan, count: out)
        var means = weights
        var stds = weights
        var counts = [Int](repeating: 0, count: out)
        for t in 0..<out {
            let stats = trailingIC(dailyIC, at: from + t)
            (means[t], stds[t], counts[t]) = stats
            weights[t] = rawWeight(stats)
        }
        factors.append(name)
        raw.append(weights)
        icMean.append(means)
        icStd.append(stds)
        icCount.append(counts)
        let (stocks, dates, from) = (stocks, dates, from)
        numerator.withUnsafeMutableBufferPointer { num in
            denominator.withUnsafeMutableBufferPointer { den in
                let cells = Cells(numerator: num, denominator: den)
                Parallel.forEachChunk(out, minimumChunk: 8) { range in
                    var z = [Double](repeating: .nan, count: stocks)
                    for t in range where !weights[t].isNaN && weights[t] != 0 {
                        Self.clippedZ(stocks: stocks, value: { values[$0 * dates + from + t] }) { z[$0] = $1 }
                        for s in 0..<stocks where !z[s].isNaN {
                            cells.numerator[s * out + t] += weights[t] * z[s]
                            cells.denominator[s * out + t] += abs(weights[t])
                        }
                    }
                }
            }
        }
    }

    /// The scores and ranks of every scored date; `industries` per stock for the industry ranks.
    public func finish(industries: [String?]) -> ScoreResult {
        let out = scoredDates
        let count = factors.count
        var weights = [Double](repeating: .nan, count: out * count)
        var totals = [Double](repeating: .nan, count: out)
        for t in 0..<out {
            let row = raw.map { $0[t] }
            let total = row.reduce(0) { $0 + abs($1) }
            guard count > 0, !row.contains(where: \.isNaN), total > 0, total.isFinite else { continue }
            totals[t] = total
            for f in 0..<count { weights[t * count + f] = row[f] / total }
        }
        var score = [Double](repeating: .nan, count: stocks * out)
        var composite = score
        var rank = [Int32](repeating: 0, count: stocks * out)
        var industryRank = rank
        let groups = Self.groups(industries)
        let (stocks, numerator, denominator) = (self.stocks, self.numerator, self.denominator)
        score.withUnsafeMutableBufferPointer { scoreOut in
            composite.withUnsafeMutableBufferPointer { compositeOut in
                rank.withUnsafeMutableBufferPointer { rankOut in
                    industryRank.withUnsafeMutableBufferPointer { industryOut in
                        let outputs = Outputs(
                            score: scoreOut, composite: compositeOut, rank: rankOut, industryRank: industryOut)
                        Parallel.forEachChunk(out, minimumChunk: 4) { range in
                            var combined = [Double](repeating: .nan, count: stocks)
                            var order: [Int] = []
                            for t in range where !totals[t].isNaN {
                                for s in 0..<stocks {
                                    let i = s * out + t
                                    combined[s] =
                                        denominator[i] >= 0.5 * totals[t] - 1e-12 ? numerator[i] / denominator[i] : .nan
                                }
                                let blended = combined
                                Self.clippedZ(stocks: stocks, value: { blended[$0] }) { combined[$0] = $1 }
                                outputs.write(combined, date: t, dates: out, groups: groups, order: &order)
                            }
                        }
                    }
                }
            }
        }
        return ScoreResult(
            factors: factors, stocks: stocks, dates: out, score: score, composite: composite, rank: rank,
            industryRank: industryRank, weights: weights,
            icMean: Self.dateMajor(icMean, dates: out), icStd: Self.dateMajor(icStd, dates: out),
            icCount: Self.dateMajor(icCount, dates: out))
    }

    /// Mean, standard deviation and count of the last `window` finite ICs realised by `date`:
    /// those of dates up to `date − realisationLag`.
    func trailingIC(_ ic: [Double], at date: Int) -> (mean: Double, std: Double, count: Int) {
        var n = 0.0
        var mean = 0.0
        var m2 = 0.0
        var s = date - realisationLag
        while s >= 0, Int(n) < window {
            let v = ic[s]
            s -= 1
            guard v.isFinite else { continue }
            n += 1
            let delta = v - mean
            mean += delta / n
            m2 += delta * (v - mean)
        }
        guard n > 0 else { return (.nan, .nan, 0) }
        return (mean, n > 1 ? (m2 / (n - 1)).squareRoot() : .nan, Int(n))
    }

    /// The unnormalised weight on a date, NaN when it cannot be known yet.
    func rawWeight(_ stats: (mean: Double, std: Double, count: Int)) -> Double {
        switch weighting {
        case .equal: return 1
        case .ic: return stats.count >= minimumICs ? stats.mean : .nan
        case .icir: return stats.count >= minimumICs && stats.std > 0 ? stats.mean / stats.std : .nan
        }
    }

    static func dateMajor<T>(_ perFactor: [[T]], dates: Int) -> [T] {
        (0..<dates).flatMap { t in perFactor.map { $0[t] } }
    }

    /// Cross-sectional z-score clipped at ±3 (NaN stays NaN; with fewer than two values or no
    /// spread everyone is average, z = 0).
    static func clippedZ(stocks: Int, value: (Int) -> Double, write: (Int, Double) -> Void) {
        var n = 0.0
        var mean = 0.0
        var m2 = 0.0
        for s in 0..<stocks {
            let v = value(s)
            guard v.isFinite else { continue }
            n += 1
            let delta = v - mean
            mean += delta / n
            m2 += delta * (v - mean)
        }
        let std = n > 1 ? (m2 / (n - 1)).squareRoot() : 0
        for s in 0..<stocks {
            let v = value(s)
            guard v.isFinite else {
                write(s, .nan)
                continue
            }
            write(s, std > 0 ? min(3, max(-3, (v - mean) / std)) : 0)
        }
    }

    /// Each stock's industry as a number (-1 without one) and how many industries there are.
    static func groups(_ industries: [String?]) -> (of: [Int], count: Int) {
        var index: [String: Int] = [:]
        let of = industries.map { industry -> Int in
            guard let industry, !industry.isEmpty else { return -1 }
            if let g = index[industry] { return g }
            index[industry] = index.count
            return index.count - 1
        }
        return (of, index.count)
    }

    /// The running sums; each date's cells are touched by the one chunk that owns the date.
    struct Cells: @unchecked Sendable {
        // @unchecked: chunks own disjoint dates, hence disjoint cells.
        let numerator: UnsafeMutableBufferPointer<Double>
        let denominator: UnsafeMutableBufferPointer<Double>
    }

    /// Where each date's results go; dates are written by one thread each.
    struct Outputs: @unchecked Sendable {
        // @unchecked: every date's cells are written by the one chunk that owns the date.
        let score: UnsafeMutableBufferPointer<Double>
        let composite: UnsafeMutableBufferPointer<Double>
        let rank: UnsafeMutableBufferPointer<Int32>
        let industryRank: UnsafeMutableBufferPointer<Int32>

        func write(_ z: [Double], date t: Int, dates: Int, groups: (of: [Int], count: Int), order: inout [Int]) {
            order.removeAll(keepingCapacity: true)
            for (s, v) in z.enumerated() where !v.isNaN {
                composite[s * dates + t] = v
                score[s * dates + t] = (v + 3) / 6 * 100
                order.append(s)
            }
            // Highest first; ties by ts_code, which is the stocks' order.
            order.sort { z[$0] > z[$1] || (z[$0] == z[$1] && $0 < $1) }
            for (r, s) in order.enumerated() { rank[s * dates + t] = Int32(r + 1) }
            var counters = [Int32](repeating: 0, count: groups.count)
            for s in order where groups.of[s] >= 0 {
                counters[groups.of[s]] += 1
                industryRank[s * dates + t] = counters[groups.of[s]]
            }
        }
    }
}
