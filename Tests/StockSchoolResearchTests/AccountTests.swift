import StockSchoolCore
import Testing

@testable import StockSchoolResearch

/// The broker's A-share rules, on a hand-built market of three stocks over four days around the
/// stamp-duty cut (2023-08-28):
///
/// | stock      | 08-24          | 08-25           | 08-28      | 08-29               |
/// |------------|----------------|-----------------|------------|---------------------|
/// | A 000001.SZ | 10.00         | 10.50           | 11.00      | 5.60, adj 2 (10送10) |
/// | B 000002.SZ | open 10.50, close 11.00 = limit-up | 9.90 = limit-down | 10.00 | 10.00 |
/// | C 600000.SH | 20.00         | 21.00           | suspended  | 22.00               |
@Suite struct AccountTests {
    static let dates: [Int32] = [2023_08_24, 2023_08_25, 2023_08_28, 2023_08_29]
    let panel: TradingPanel

    init() throws {
        panel = try BacktestFixtures.panel(
            codes: ["000001.SZ", "000002.SZ", "600000.SH"], dates: Self.dates,
            close: [[10.00, 10.50, 11.00, 5.60], [11.00, 9.90, 10.00, 10.00], [20.00, 21.00, .nan, 22.00]],
            open: [[10.00, 10.50, 11.00, 5.60], [10.50, 9.90, 10.00, 10.00], [20.00, 21.00, .nan, 22.00]],
            adjFactor: [[1, 1, 1, 2], [1, 1, 1, 1], [1, 1, 1, 1]],
            limitUp: [[11.00, 11.55, 12.10, 6.05], [11.00, 12.10, 10.89, 11.00], [22, 23.1, 23.1, 23.1]],
            limitDown: [[9.00, 9.45, 9.90, 4.95], [9.00, 9.90, 8.91, 9.00], [18, 18.9, 18.9, 18.9]])
    }

    func account(on date: Int = 0, dealPrice: DealPrice = .close) throws -> Account {
        try Account(panel: panel, cash: 1_000_000, on: date, dealPrice: dealPrice)
    }

    @Test func buyAtLimitUpIsRejectedWithTheReason() throws {
        var account = try account()
        let trade = account.buy(1, budget: 100_000)
        #expect(trade.status == .rejected)
        #expect(trade.reason == .limitUp)
        #expect(trade.reason?.description.contains("limit-up") == true)
        #expect(trade.amount == 0 && trade.commission == 0)
        #expect(account.cash == 1_000_000)
        #expect(account.held.isEmpty)
    }

    @Test func sellAtLimitDownIsRejectedAndTheStockStaysHeld() throws {
        // At the open of 08-24 B is 10.50, below the limit: 100,000 / (1,050 × 1.0003) = 95.2 lots
        // → 95 lots = 9,500 shares for 99,750 CNY + 29.925 commission.
        var account = try account(dealPrice: .open)
        let buy = account.buy(1, budget: 100_000)
        #expect(buy.status == .filled && buy.shares == 9_500)
        #expect(abs(buy.commission - 29.925) < 1e-9)
        account.advance(to: 1)
        let sell = account.sell(1)
        #expect(sell.status == .rejected && sell.reason == .limitDown)
        #expect(account.shares(of: 1) == 9_500)
    }

    @Test func sameDaySellAfterABuyIsRefusedByTPlusOne() throws {
        var account = try account()
        // A at 10.00: min(100,000 / 1,000.3, (100,000 − 5) / 1,000) = 99 lots = 9,900 shares,
        // 99,000 CNY + commission 99,000 × 0.0003 = 29.70 → cash 1,000,000 − 99,029.70 = 900,970.30.
        let buy = account.buy(0, budget: 100_000)
        #expect(buy.status == .filled && buy.shares == 9_900 && buy.amount == 99_000)
        #expect(abs(buy.commission - 29.7) < 1e-9)
        #expect(abs(account.cash - 900_970.30) < 1e-6)

        let sameDay = account.sell(0)
        #expect(sameDay.status == .rejected && sameDay.reason == .tPlusOne)
        #expect(account.shares(of: 0) == 9_900)
        #expect(abs(account.cash - 900_970.30) < 1e-6)

        // Next day (08-25, still the 0.1% stamp duty) at 10.50: 103,950 CNY, commission 31.185,
        // stamp duty 103.95 → cash 900,970.30 + 103,950 − 31.185 − 103.95 = 1,004,785.165.
        account.advance(to: 1)
        let nextDay = account.sell(0)
        #expect(nextDay.status == .filled && nextDay.shares == 9_900)
        #expect(abs(nextDay.amount - 103_950) < 1e-6)
        #expect(abs(nextDay.commission - 31.185) < 1e-9)
        #expect(abs(nextDay.stampDuty - 103.95) < 1e-9)
        #expect(abs(account.cash - 1_004_785.165) < 1e-6)
        #expect(account.held.isEmpty)
    }

    @Test func stampDutyIsHalvedForSellsFrom20230828() throws {
        var account = try account(on: 1)
        // 08-25 at 10.50: 95 lots = 9,500 shares (99,750 CNY). Sold 08-28 at 11.00: 104,500 CNY,
        // commission 31.35, stamp duty 0.05% = 52.25 (0.1% would have been 104.50).
        #expect(account.buy(0, budget: 100_000).shares == 9_500)
        account.advance(to: 2)
        let sell = account.sell(0)
        #expect(abs(sell.amount - 104_500) < 1e-6)
        #expect(abs(sell.commission - 31.35) < 1e-9)
        #expect(abs(sell.stampDuty - 52.25) < 1e-9)
    }

    @Test func buysRoundDownToWholeLotsThatCashAndCostsCover() throws {
        var account = try account()
        // One lot of A costs 1,000 + 5 (minimum commission) = 1,005 CNY.
        let short = account.buy(0, budget: 1_004)
        #expect(short.status == .rejected && short.reason == .insufficientCash)
        let one = account.buy(0, budget: 1_005)
        #expect(one.shares == 100 && one.commission == 5)
        // 17,000: 16 lots = 16,000 + max(4.80, 5) = 16,005; 17 lots would need 17,005.
        let sixteen = account.buy(0, budget: 17_000)
        #expect(sixteen.shares == 1_600 && sixteen.commission == 5)
        // 100,030 is exactly 100 lots: 100,000 + 30.
        let hundred = account.buy(0, budget: 100_030)
        #expect(hundred.shares == 10_000 && abs(hundred.commission - 30) < 1e-9)
        // 1,000,000 − 1,005 − 16,005 − 100,030 = 882,960.
        #expect(abs(account.cash - 882_960) < 1e-6)
        #expect(account.buy(0, shares: 150).reason == .invalidQuantity)
        #expect(account.buy(0, shares: 200).shares == 200)
    }

    @Test func partialSellsAreWholeLotsAndOddLotsGoWithTheRest() throws {
        var account = try account()
        account.buy(0, budget: 100_000)  // 9,900 shares
        account.advance(to: 1)
        #expect(account.sell(0, shares: 150).reason == .oddLot)
        #expect(account.sell(0, shares: 20_000).reason == .insufficientShares)
        #expect(account.sell(0, shares: 200).status == .filled)
        #expect(account.shares(of: 0) == 9_700)
        #expect(account.sell(2).reason == .noPosition)
    }

    @Test func suspendedStockIsHeldNotSoldAndValuedAtItsLastClose() throws {
        var account = try account(on: 1)
        // C at 21.00: min(100,000 / (2,100 × 1.0003), 99,995 / 2,100) = 47.6 → 47 lots = 4,700
        // shares, 98,700 CNY + commission 29.61 → cash 901,270.39.
        #expect(account.buy(2, budget: 100_000).shares == 4_700)
        account.advance(to: 2)
        let sell = account.sell(2)
        #expect(sell.status == .rejected && sell.reason == .suspended && sell.price == nil)
        #expect(account.buy(2, budget: 10_000).reason == .suspended)
        #expect(account.shares(of: 2) == 4_700)
        // Valued at the last close, 21.00: 901,270.39 + 4,700 × 21 = 999,970.39.
        #expect(abs(account.markToMarket() - 999_970.39) < 1e-6)
        #expect(account.lastClose(of: 2) == 21)
    }

    @Test func bonusSharesFollowTheAdjustmentFactor() throws {
        var account = try account(on: 2)
        // 08-28 at 11.00: 99 lots = 9,900 shares, 108,900 CNY + 32.67 → cash 891,067.33.
        #expect(account.buy(0, budget: 110_000).shares == 9_900)
        // 10送10 on 08-29: adj 1 → 2, so 19,800 shares at 5.60 = 110,880 → NAV 1,001,947.33.
        account.advance(to: 3)
        #expect(account.shares(of: 0) == 19_800)
        #expect(abs(account.markToMarket() - 1_001_947.33) < 1e-6)
        #expect(account.sell(0).shares == 19_800)
    }

    @Test func rejectsAnAccountWithoutCash() {
        #expect(
            throws: StockSchoolError.invalidArgument(name: "--cash", reason: "0.0 must be a positive amount of CNY")
        ) {
            try Account(panel: panel, cash: 0)
        }
    }
}
