import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct CompositeScoreTests {
    /// Three stocks, one date, two factors, equal weights.
    ///
    /// A = [1, 2, 3]: mean 2, sample std 1, z = [-1, 0, 1].
    /// B = [3, 3, 6]: mean 4, sample std √3, z = [-1/√3, -1/√3, 2/√3].
    /// Composite (A + B)/2 = [-0.788675, -0.288675, 1.077350]; its mean is 0 and its sample std
    /// √((0.622008 + 0.083333 + 1.160684)/2) = 0.965926, so z = [-0.816497, -0.298858, 1.115355]
    /// and score = (z + 3)/6·100 = [36.3917, 45.0190, 68.5893].
    @Test func equalWeightsByHand() throws {
        var model = try CompositeScore(weighting: .equal, realisationLag: 1, stocks: 3, dates: 1, from: 0)
        let a: [Double] = [1, 2, 3]
        let b: [Double] = [3, 3, 6]
        try a.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: [.nan]) }
        try b.withUnsafeBufferPointer { try model.add("B", values: $0, dailyIC: [.nan]) }
        let result = model.finish(industries: ["银行", "银行", "医药生物"])
        let expected = [36.3917, 45.0190, 68.5893]
        for s in 0..<3 { #expect(abs(result.score[s] - expected[s]) < 1e-4) }
        #expect(result.rank == [3, 2, 1])
        #expect(result.industryRank == [2, 1, 1])
        #expect(result.weights == [0.5, 0.5])
    }

    /// A stock missing a factor keeps the mean of what it has, if that carries at least half the
    /// weight; with weights ¾ / ¼ a stock holding only the ¼ factor gets no score.
    @Test func aStockNeedsHalfTheWeight() throws {
        // IC weighting with ICs 0.3 and 0.1: weights 0.75 and 0.25.
        var model = try CompositeScore(
            weighting: .ic, window: 5, minimumICs: 1, realisationLag: 1, stocks: 4, dates: 2, from: 1)
        // Stock-major, 2 dates each; only date 1 is scored.
        let a: [Double] = [0, 1, 0, 2, 0, 3, 0, .nan]
        let b: [Double] = [0, 5, 0, 1, 0, 3, 0, 4]
        try a.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: [0.3, .nan]) }
        try b.withUnsafeBufferPointer { try model.add("B", values: $0, dailyIC: [0.1, .nan]) }
        let result = model.finish(industries: [nil, nil, nil, nil])
        #expect(abs(result.weights[0] - 0.75) < 1e-12 && abs(result.weights[1] - 0.25) < 1e-12)
        #expect(result.score[3].isNaN)
        #expect(result.rank[3] == 0)
        #expect(result.rank.filter { $0 > 0 }.sorted() == [1, 2, 3])
    }

    /// Weights on date t use only ICs of dates ≤ t − lag: changing a later IC changes nothing,
    /// changing the last realised one does.
    @Test func weightsUseOnlyRealisedICs() throws {
        func weights(_ icA: [Double]) throws -> [Double] {
            var model = try CompositeScore(
                weighting: .ic, window: 2, minimumICs: 1, realisationLag: 2, stocks: 2, dates: 5, from: 4)
            let values: [Double] = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]
            try values.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: icA) }
            try values.withUnsafeBufferPointer { try model.add("B", values: $0, dailyIC: [0.1, 0.1, 0.1, 0.1, 0.1]) }
            return model.finish(industries: [nil, nil]).weights
        }
        // Date 4 sees ICs of dates 1 and 2 (window 2): A's mean (0.2 + 0.4)/2 = 0.3 against B's
        // 0.1, so weights 0.75 / 0.25.
        let base = try weights([0.9, 0.2, 0.4, 0.5, 0.6])
        #expect(abs(base[0] - 0.75) < 1e-12 && abs(base[1] - 0.25) < 1e-12)
        let later = try weights([0.9, 0.2, 0.4, -5, 7])
        let realised = try weights([0.9, 0.2, 0.1, 0.5, 0.6])
        #expect(later == base)
        #expect(realised != base)
    }

    /// ICIR: mean/std of the window. A's ICs [0.1, 0.3] (mean 0.2, std 0.141421, IR 1.414214),
    /// B's [-0.1, -0.2] (mean -0.15, std 0.070711, IR -2.121320); |IR| sum 3.535534, weights
    /// 0.4 and -0.6. B's negative IC makes its weight negative: high B lowers the score.
    @Test func icirWeightsLearnTheDirection() throws {
        var model = try CompositeScore(
            weighting: .icir, window: 2, minimumICs: 2, realisationLag: 1, stocks: 3, dates: 3, from: 2)
        let a: [Double] = [0, 0, 1, 0, 0, 1, 0, 0, 1]
        let b: [Double] = [0, 0, 1, 0, 0, 2, 0, 0, 3]
        try a.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: [0.1, 0.3, .nan]) }
        try b.withUnsafeBufferPointer { try model.add("B", values: $0, dailyIC: [-0.1, -0.2, .nan]) }
        let result = model.finish(industries: [nil, nil, nil])
        #expect(abs(result.weights[0] - 0.4) < 1e-12)
        #expect(abs(result.weights[1] + 0.6) < 1e-12)
        // A ties everyone (z = 0), so the ranking is B's, reversed.
        #expect(result.rank == [1, 2, 3])
    }

    @Test func tooFewICsMeansNoScore() throws {
        var model = try CompositeScore(
            weighting: .icir, window: 60, realisationLag: 1, stocks: 2, dates: 3, from: 0)
        let a: [Double] = [1, 2, 3, 4, 5, 6]
        try a.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: [0.1, 0.2, 0.3]) }
        let result = model.finish(industries: [nil, nil])
        #expect(result.score.allSatisfy { $0.isNaN })
        #expect(!result.scored(date: 2))
    }

    @Test func rejectsBadShapesAndWindows() throws {
        #expect(throws: StockSchoolError.self) {
            _ = try CompositeScore(weighting: .ic, window: 0, realisationLag: 1, stocks: 1, dates: 1, from: 0)
        }
        var model = try CompositeScore(weighting: .equal, realisationLag: 1, stocks: 2, dates: 2, from: 0)
        let short: [Double] = [1, 2, 3]
        #expect(throws: StockSchoolError.self) {
            try short.withUnsafeBufferPointer { try model.add("A", values: $0, dailyIC: [0, 0]) }
        }
    }
}
