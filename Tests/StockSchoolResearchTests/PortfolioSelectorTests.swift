import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct PortfolioSelectorTests {
    /// Six stocks in ts_code order, scored s0 0.9, s1 0.1, s2 0.5, s3 0.7, s4 0.3, s5 0.8.
    static let scores: [Double] = [0.9, 0.1, 0.5, 0.7, 0.3, 0.8]

    func decide(
        k: Int, drop: Int, held: [Int], scores: [Double] = scores
    ) -> (sell: [Int], buy: [Int]) {
        var selector = PortfolioSelector(codeRank: scores.indices.map { Int32($0) })
        var sells: [Int] = []
        var buys: [Int] = []
        scores.withUnsafeBufferPointer {
            selector.topKDropout(k: k, drop: drop, $0, held: held, sells: &sells, buys: &buys)
        }
        return (sells, buys)
    }

    @Test func topKDropoutReplacesTheWorstHeldWithTheBestNotHeld() {
        // k 3, drop 1, held {s1, s2, s4}: last = [s2 .5, s4 .3, s1 .1]; today = best 1 + 3 − 3 = 1
        // not held = [s0 .9]; comb = [s0, s2, s4, s1]; lowest 1 = [s1] → sell [s1];
        // buy = today[..< 1 + 3 − 3] = [s0].
        let one = decide(k: 3, drop: 1, held: [1, 2, 4])
        #expect(one.sell == [1] && one.buy == [0])
        // drop 2: today = [s0 .9, s5 .8]; comb = [s0, s5, s2, s4, s1]; lowest 2 = [s4, s1], both
        // held → sell in `last` order [s4, s1]; buy = today[..< 2] = [s0, s5].
        let two = decide(k: 3, drop: 2, held: [1, 2, 4])
        #expect(two.sell == [4, 1] && two.buy == [0, 5])
    }

    @Test func topKDropoutFillsUpAndKeepsWhatIsBetterThanTheCandidates() {
        // Held {s1} only: today = best 1 + 3 − 1 = 3 = [s0, s5, s3]; comb = [s0, s5, s3, s1];
        // lowest 1 = [s1] → sell [s1]; buy = today[..< 1 + 3 − 1] = all three.
        let fill = decide(k: 3, drop: 1, held: [1])
        #expect(fill.sell == [1] && fill.buy == [0, 5, 3])
        // Held {s0, s5, s3}, the three best: today = [s2]; comb's lowest is s2, not held → no
        // trade at all.
        let keep = decide(k: 3, drop: 1, held: [0, 3, 5])
        #expect(keep.sell.isEmpty && keep.buy.isEmpty)
        // Held {s0, s2}: today = best 2 not held = [s5, s3]; comb = [s0, s5, s3, s2]; sell [s2];
        // buy = today[..< 1 + 3 − 2] = [s5, s3].
        let swap = decide(k: 3, drop: 1, held: [0, 2])
        #expect(swap.sell == [2] && swap.buy == [5, 3])
    }

    @Test func aHeldNameWithoutAScoreGoesFirst() {
        // s1 held without a score ranks below every scored name.
        let scores: [Double] = [0.9, .nan, 0.5, 0.7, 0.3, 0.8]
        let result = decide(k: 3, drop: 1, held: [1, 3, 5], scores: scores)
        #expect(result.sell == [1] && result.buy == [0])
    }

    @Test func topNBreaksTiesByTSCodeAndSkipsMissingScores() {
        // Codes given out of order: ranks say stock 2 sorts first, then 0, then 1, then 3.
        var selector = PortfolioSelector(codeRank: [1, 2, 0, 3])
        var sells: [Int] = []
        var buys: [Int] = []
        let scores: [Double] = [0.5, 0.7, 0.5, .nan]
        scores.withUnsafeBufferPointer {
            selector.topN(2, $0, held: [0, 3], sells: &sells, buys: &buys)
        }
        // Best 2: s1 (0.7), then the 0.5 tie goes to s2 (earlier code) → target [s1, s2].
        // Held s0 and s3 leave; s1 and s2 are bought.
        #expect(buys == [1, 2])
        #expect(sells == [0, 3])
    }

    @Test func boundedHeapAgreesWithAFullSortOnAWideCrossSection() {
        // 7,919 is coprime to 1,000, so stock i scoring (7,919·i mod 1,000) / 10 gives each of
        // 0.0 … 99.9 exactly once, shuffled.
        let scores = (0..<1_000).map { Double(($0 * 7_919) % 1_000) / 10 }
        var selector = PortfolioSelector(codeRank: scores.indices.map { Int32($0) })
        var best: [Int] = []
        scores.withUnsafeBufferPointer { selector.best(25, $0, into: &best) }
        // Score v / 10 for v = 999 … 975 belongs to the index i with 7919·i ≡ v (mod 1000).
        let expected = (975...999).reversed().map { v in (0..<1_000).first { ($0 * 7_919) % 1_000 == v } ?? -1 }
        #expect(best == expected)
    }
}
