import Testing

@testable import StockSchoolCore

@Suite struct PriceLimitTests {
    let day = TradeDate(unchecked: 2024_01_02)

    @Test func mainBoardIsTenPercent() {
        let limit = PriceLimit(board: .main, isST: false, tradeDate: day)
        #expect(limit.limitUp(preClose: 10.00) == 11.00)
        #expect(limit.limitDown(preClose: 10.00) == 9.00)
    }

    @Test func limitPricesRoundHalfUpToTheFen() {
        // 10.05 × 1.1 = 11.055 → 11.06; 10.05 × 0.9 = 9.045 → 9.05 (exchange rounding, not banker's).
        let limit = PriceLimit(board: .main, isST: false, tradeDate: day)
        #expect(limit.limitUp(preClose: 10.05) == 11.06)
        #expect(limit.limitDown(preClose: 10.05) == 9.05)
        #expect(PriceLimit.roundToFen(10.045) == 10.05)
        #expect(PriceLimit.roundToFen(10.044) == 10.04)
    }

    @Test func stOnTheMainBoardIsFivePercent() {
        let limit = PriceLimit(board: .main, isST: true, tradeDate: day)
        #expect(limit.ratio == 0.05)
        #expect(limit.limitUp(preClose: 4.00) == 4.20)
        #expect(limit.limitDown(preClose: 4.00) == 3.80)
    }

    @Test func chiNextWidenedOnTheReformDate() {
        let before = PriceLimit(board: .chiNext, isST: false, tradeDate: TradeDate(unchecked: 2020_08_21))
        let after = PriceLimit(board: .chiNext, isST: false, tradeDate: TradeDate(unchecked: 2020_08_24))
        #expect(before.ratio == 0.10)
        #expect(after.ratio == 0.20)
        #expect(PriceLimit(board: .chiNext, isST: true, tradeDate: day).ratio == 0.20)
    }

    @Test func starAndBeijing() {
        #expect(PriceLimit(board: .star, isST: false, tradeDate: day).ratio == 0.20)
        #expect(PriceLimit(board: .bse, isST: false, tradeDate: day).ratio == 0.30)
    }

    @Test func newListingsTradeWithoutLimitAtFirst() {
        #expect(PriceLimit(board: .main, isST: false, tradeDate: day, tradingDaysSinceListing: 0).ratio == nil)
        #expect(PriceLimit(board: .main, isST: false, tradeDate: day, tradingDaysSinceListing: 1).ratio == 0.10)
        #expect(PriceLimit(board: .star, isST: false, tradeDate: day, tradingDaysSinceListing: 4).ratio == nil)
        #expect(PriceLimit(board: .star, isST: false, tradeDate: day, tradingDaysSinceListing: 5).ratio == 0.20)
        #expect(PriceLimit(ratio: nil).allows(price: 1000, preClose: 1))
    }

    @Test func bandIncludesItsEdges() {
        let limit = PriceLimit(board: .main, isST: false, tradeDate: day)
        #expect(limit.allows(price: 11.00, preClose: 10.00))
        #expect(limit.allows(price: 9.00, preClose: 10.00))
        #expect(!limit.allows(price: 11.01, preClose: 10.00))
        #expect(!limit.allows(price: 8.99, preClose: 10.00))
    }
}
