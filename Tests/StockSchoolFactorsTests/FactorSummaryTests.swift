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

    /// Pieces (stocks, chunks) merge to the whole column's two-pass mean and std, whatever the
    /// grouping, with far-apart levels and small spreads, NaN-only and constant pieces.
    @Test func piecesMergeToTheWhole() throws {
        var generator = SeededGenerator(state: 11)
        var column: [Double] = []
        for level in [1e9, -3.0, 0.5, 1e9 + 7] {
            column += (0..<37).map { _ in level + Double.random(in: -1...1, using: &generator) }
        }
        column += [.nan, .nan, .infinity]
        let finite = column.filter(\.isFinite)
        let mean = finite.reduce(0, +) / Double(finite.count)
        let std = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count - 1)).squareRoot()
        for size in [1, 5, 37, 50, column.count] {
            var total = SummaryAccumulator()
            column.withUnsafeBufferPointer { all in
                for start in stride(from: 0, to: all.count, by: size) {
                    total.add(UnsafeBufferPointer(rebasing: all[start..<Swift.min(start + size, all.count)]))
                }
            }
            total.add(repeating: .nan, count: 4)
            let summary = FactorSummary(name: "x", total)
            #expect(summary.cells == column.count + 4 && summary.values == finite.count && summary.infinities == 1)
            #expect(Swift.abs((summary.mean ?? 0) - mean) <= 1e-12 * Swift.abs(mean), "pieces of \(size)")
            #expect(Swift.abs((summary.std ?? 0) - std) <= 1e-12 * std, "pieces of \(size)")
            #expect(summary.min == finite.min() && summary.max == finite.max())
        }
        var constant = SummaryAccumulator()
        constant.add(repeating: 2.5, count: 10)
        #expect(FactorSummary(name: "c", constant).mean == 2.5 && FactorSummary(name: "c", constant).std == 0)
    }
}
