import Testing

@testable import StockSchoolFactors

@Suite struct PreprocessingTests {
    @Test func winsorizeClipsAtThreeScaledMADs() {
        // Median 3; |deviations| 2, 1, 0, 1, 97 → MAD 1; bounds 3 ± 3 × 1.4826 = [−1.4478, 7.4478].
        var column: [Double] = [1, 2, 3, 4, 100, .nan]
        CrossSectionPreprocessor.winsorize(&column)
        #expect(column[0...3] == [1, 2, 3, 4])
        #expect(Swift.abs(column[4] - (3 + 3 * 1.4826)) < 1e-12)
        #expect(column[5].isNaN)
    }

    /// Industries A, A, B, B; size 1, 2, 1, 3; x 1, 3, 2, 7. Within industries: x̃ = −1, 1, −2.5, 2.5
    /// and s̃ = −0.5, 0.5, −1, 1; β = (0.5 + 0.5 + 2.5 + 2.5) / (0.25 + 0.25 + 1 + 1) = 2.4;
    /// residuals 0.2, −0.2, −0.1, 0.1.
    @Test func neutralizeTakesTheResidualOnIndustryAndSize() {
        var column: [Double] = [1, 3, 2, 7, .nan]
        CrossSectionPreprocessor.neutralize(&column, industries: [0, 0, 1, 1, 1], size: [1, 2, 1, 3, 2])
        let expected = [0.2, -0.2, -0.1, 0.1]
        for (got, want) in zip(column, expected) { #expect(Swift.abs(got - want) < 1e-12) }
        #expect(column[4].isNaN)
    }

    @Test func stepsRunInOrderPerDate() throws {
        // Two stocks × two dates, stock-major: stock 0 = [1, 5], stock 1 = [3, 5].
        let pre = CrossSectionPreprocessor(
            steps: [.rank], industries: [0, 0], logMarketValue: [], stocks: 2, dates: 2)
        // Date 0: 1 < 3 → 0.5, 1. Date 1: tie → 0.75 each.
        #expect(pre.apply([1, 5, 3, 5]) == [0.5, 0.75, 1, 0.75])
        #expect(try Preprocessing.parseList("winsorize, zscore,neutralize") == [.winsorize, .zscore, .neutralize])
        #expect(throws: PreprocessingError(step: "normalise")) { try Preprocessing.parseList("zscore,normalise") }
    }
}
