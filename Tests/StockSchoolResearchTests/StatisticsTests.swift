import Foundation
import Testing

@testable import StockSchoolResearch

/// Expected values are worked out by hand in the comments, or come from published tables and
/// closed forms — never from running this code.
@Suite struct StatisticsTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

    @Test func averageRanksShareTiedRanks() {
        #expect(Statistics.averageRanks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        // sorted 1 1 2 3 4 5 6 9 → the two ones share (1+2)/2, then 3, 4, 5, 6, 7, 8.
        #expect(Statistics.averageRanks([3, 1, 4, 1, 5, 9, 2, 6]) == [4, 1.5, 5, 1.5, 6, 8, 3, 7])
        // Three-way tie at the top: ranks 2, 3, 4 → 3.
        #expect(Statistics.averageRanks([7, 7, 1, 7]) == [3, 3, 1, 3])
        // −0 equals +0.
        #expect(Statistics.averageRanks([0.0, -0.0, 1]) == [1.5, 1.5, 3])
        // NaN stays NaN; the rest are ranked among themselves.
        let ranks = Statistics.averageRanks([2, .nan, 1])
        #expect(ranks[0] == 2 && ranks[1].isNaN && ranks[2] == 1)
        // More than the insertion-sort cutoff, with ties: 0,0,1,1,…,39,39 reversed.
        // Value v sits at sorted positions 2v and 2v + 1, so both get rank 2v + 1.5.
        let many: [Double] = (0..<80).map { Double(39 - $0 / 2) }
        let expected: [Double] = many.map { 2 * $0 + 1.5 }
        #expect(Statistics.averageRanks(many) == expected)
    }

    @Test func pearsonByHand() {
        // x − 3 = −2 −1 0 1 2, y − 4 = −2 0 1 0 1: Σxy = 6, Σx² = 10, Σy² = 6 → 6/√60.
        let expected = 6 / 60.0.squareRoot()
        #expect(Self.close(Statistics.pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), expected))
        // Pairs with a NaN on either side drop out, leaving the same five pairs.
        #expect(Self.close(Statistics.pearson([1, 2, .nan, 3, 4, 5, 7], [2, 4, 9, 5, 4, 5, .nan]), expected))
        #expect(Self.close(Statistics.pearson([1, 2, 3], [3, 2, 1]), -1))
        #expect(Statistics.pearson([1, 2, 3], [5, 5, 5]).isNaN)  // zero variance
        #expect(Statistics.pearson([1, .nan], [1, 2]).isNaN)  // one pair
        #expect(Statistics.pearson([1, 2], [1, 2, 3]).isNaN)
    }

    @Test func spearmanRanksThePairwiseValidSubset() {
        // y ranks 1 2.5 4.5 2.5 4.5 (mean 3): y−3 = −2 −.5 1.5 −.5 1.5, x ranks − 3 = −2 −1 0 1 2:
        // Σ = 4 + .5 + 0 − .5 + 3 = 7, Σx² = 10, Σy² = 9 → 7/√90 (scipy's spearmanr agrees).
        let expected = 7 / 90.0.squareRoot()
        #expect(Self.close(Statistics.spearman([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), expected))
        // 2.5's partner is missing: ranking x before dropping it would give 1 2 4 5 6, not 1…5.
        #expect(Self.close(Statistics.spearman([1, 2, 2.5, 3, 4, 5], [2, 4, .nan, 5, 4, 5]), expected))
        #expect(Self.close(Statistics.spearman([1, 2, 3, 4], [1, 8, 27, 64]), 1))
        #expect(Statistics.spearman([1, 1, 1], [1, 2, 3]).isNaN)
    }

    @Test func studentTPValuesMatchTables() {
        // Two-sided 5% critical values from the t-table.
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: 2.228, degreesOfFreedom: 10), 0.05, 2e-4))
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: -2.228, degreesOfFreedom: 10), 0.05, 2e-4))
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: 12.706, degreesOfFreedom: 1), 0.05, 1e-4))
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: 2.0, degreesOfFreedom: 5), 0.1019, 1e-4))
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: 1.96, degreesOfFreedom: 100_000), 0.05, 2e-4))
        #expect(Statistics.studentTTwoSidedPValue(t: 0, degreesOfFreedom: 7) == 1)
        // Closed forms: df = 1 is Cauchy, p = 1 − 2·atan(t)/π; df = 2: p = 1 − t/√(2 + t²).
        #expect(Self.close(Statistics.studentTTwoSidedPValue(t: 1, degreesOfFreedom: 1), 0.5, 1e-12))
        #expect(
            Self.close(Statistics.studentTTwoSidedPValue(t: 2, degreesOfFreedom: 2), 1 - 2 / 6.0.squareRoot(), 1e-12))
        #expect(Statistics.studentTTwoSidedPValue(t: .nan, degreesOfFreedom: 3).isNaN)
        #expect(Statistics.studentTTwoSidedPValue(t: 1, degreesOfFreedom: 0).isNaN)
    }

    @Test func incompleteBetaKnownValues() {
        // I_x(1, 1) = x; I_½(a, a) = ½ by symmetry; I_x(a, 1) = x^a.
        #expect(Self.close(Statistics.regularizedIncompleteBeta(x: 0.3, a: 1, b: 1), 0.3))
        #expect(Self.close(Statistics.regularizedIncompleteBeta(x: 0.5, a: 7.5, b: 7.5), 0.5))
        #expect(Self.close(Statistics.regularizedIncompleteBeta(x: 0.9, a: 3, b: 1), 0.729))
    }

    @Test func icSummaryOfAShortSeries() {
        // Values 0.1, −0.05, 0.2, 0.15 (NaN skipped): mean 0.1, deviations 0 −.15 .1 .05,
        // Σd² = 0.035, std = √(0.035/3); IR = mean/std; t = IR·√4.
        let summary = ICSummary([0.1, -0.05, .nan, 0.2, 0.15])
        let std = (0.035 / 3).squareRoot()
        #expect(summary.days == 4)
        #expect(Self.close(summary.mean, 0.1))
        #expect(Self.close(summary.std, std))
        #expect(Self.close(summary.ir, 0.1 / std))
        #expect(Self.close(summary.tStat, 2 * 0.1 / std))
        // df = 3 closed form: p = 1 − (2/π)(atan(u) + u/(1 + u²)), u = t/√3.
        let u = summary.tStat / 3.0.squareRoot()
        #expect(Self.close(summary.pValue, 1 - (2 / Double.pi) * (atan(u) + u / (1 + u * u)), 1e-10))
        #expect(summary.positiveShare == 0.75)
        let single = ICSummary([0.3])
        #expect(single.days == 1 && single.mean == 0.3 && single.std.isNaN && single.pValue.isNaN)
        #expect(ICSummary([Double]()).mean.isNaN)
    }

    @Test func quantileLabelsFollowPandasQcut() {
        // 1…10 into 5: edges 1, 2.8, 4.6, 6.4, 8.2, 10 (virtual index 9p) → two per bin.
        #expect(Statistics.quantileLabels((1...10).map(Double.init), quantiles: 5) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        // 1…5 into 4: edges 1 2 3 4 5; bins are right-closed, the first includes the minimum,
        // so qcut(labels=False) gives 0 0 1 2 3.
        #expect(Statistics.quantileLabels([1, 2, 3, 4, 5], quantiles: 4) == [1, 1, 2, 3, 4])
        // Unsorted input and NaN.
        #expect(Statistics.quantileLabels([5, .nan, 1, 3], quantiles: 2) == [2, nil, 1, 1])
        // Two values into 5: edges 5, 5.4, 5.8, 6.2, 6.6, 7 → the ends.
        #expect(Statistics.quantileLabels([7, 5], quantiles: 5) == [5, 1])
    }

    @Test func quantileLabelsWithCoincidingEdges() {
        // [1 1 1 1 2] into 2: edges 1, 1, 2 (pandas raises); the ones take label 1, the two 2.
        #expect(Statistics.quantileLabels([1, 1, 1, 1, 2], quantiles: 2) == [1, 1, 1, 1, 2])
        // Six zeros then 1…4 into 5: virtual indexes 1.8 3.6 5.4 7.2 give edges 0, 0, 0, 0.4,
        // 2.2, 4. Zeros → 1; 1 and 2 exceed 0, 0, 0, 0.4 → 4; 3 and 4 → 5. Quantiles 2 and 3
        // stay empty: the top still means the top fifth.
        #expect(
            Statistics.quantileLabels([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], quantiles: 5) == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        // All equal: every edge is the value, everything is quantile 1.
        #expect(Statistics.quantileLabels([3, 3, 3], quantiles: 5) == [1, 1, 1])
        #expect(Statistics.quantileLabels([.nan], quantiles: 5) == [nil])
    }
}

@Suite struct CrossSectionSortTests {
    /// The definition of an average rank, straight: (number below) + (number equal + 1) / 2.
    static func definitionRanks(_ values: [Double]) -> [Double] {
        values.map { v in
            Double(values.filter { $0 < v }.count) + Double(values.filter { $0 == v }.count + 1) / 2
        }
    }

    @Test(arguments: ["spread", "ties", "heavy tail", "offset", "huge range", "orders of magnitude"])
    func largeCrossSectionsRankByDefinition(shape: String) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let values: [Double] = (0..<700).map { i in
            let u = uniform()
            switch shape {
            case "ties": return (u * 20).rounded()
            case "heavy tail": return i % 50 == 0 ? 1e9 * u : u  // most values crowd one 16-bit key
            case "offset": return 1e8 + (u * 1_000).rounded() / 7  // level dwarfs the spread
            case "huge range": return i == 0 ? -Double.greatestFiniteMagnitude : u
            // Each 16-bit level resolves only the top few decades: three levels give up, and the
            // Float keys sort it from scratch.
            case "orders of magnitude": return pow(10, u * 600 - 300)
            default: return u * 2 - 1
            }
        }
        #expect(Statistics.averageRanks(values) == Self.definitionRanks(values))
    }

    /// `sort(_:count:into:)` says "distinct" only when no two values are equal. 700 distinct
    /// values share a few 16-bit keys (the birthday bound); a duplicate inside such a run, or a
    /// coarse cross-section, must say "may tie".
    @Test(arguments: ["distinct", "one duplicate", "ties"])
    func sortSaysWhetherValuesAreDistinct(shape: String) {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var values = (0..<700).map { _ in shape == "ties" ? (uniform() * 20).rounded() : uniform() }
        if shape != "ties" { values[1] = values[0].nextUp }  // one shared key at least
        if shape == "one duplicate" { values[699] = values[350] }
        var entries = values.enumerated().map { CrossSectionSort.Entry(value: $1, index: UInt32($0)) }
        var sorted = entries
        let scratch = CrossSectionSort.Scratch(capacity: values.count)
        var distinct = false
        entries.withUnsafeMutableBufferPointer { input in
            sorted.withUnsafeMutableBufferPointer { output in
                guard let input = input.baseAddress, let output = output.baseAddress else { return }
                distinct = scratch.sort(input, count: values.count, into: output)
            }
        }
        #expect(sorted.map(\.value) == values.sorted())
        #expect(distinct == (Set(values).count == values.count), "\(shape): distinct \(distinct)")
        #expect(shape != "distinct" || distinct)
    }
}
