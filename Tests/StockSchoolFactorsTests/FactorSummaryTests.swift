import Testing

@testable import StockSchoolFactors

@Suite struct FactorSummaryTests {
    @Test func countsMissingAndInfiniteAndDescribesTheRest() throws {
        let summary = FactorSummary(name: "x", values: [1, 2, .nan, 4, .infinity])
        #expect(summary.cells == 5)
        #expect(summary.values == 3)
        #expect(summary.infinities == 1)
        #expect(summary.nanShare == 0.2)
        // mean 7/3; squared deviations 16/9 + 1/9 + 25/9 = 42/9, over n − 1 = 2 → 7/3.
        #expect(Swift.abs((summary.mean ?? 0) - 7.0 / 3) < 1e-12)
        #expect(Swift.abs((summary.std ?? 0) - (7.0 / 3).squareRoot()) < 1e-12)
        #expect(summary.min == 1 && summary.max == 4)
        // Large values with a small spread keep their precision.
        let large = FactorSummary(name: "y", values: [1e9 + 1, 1e9 + 2, 1e9 + 3])
        #expect(large.std == 1)
        #expect(FactorSummary(name: "z", values: [.nan]).mean == nil)
    }
}
