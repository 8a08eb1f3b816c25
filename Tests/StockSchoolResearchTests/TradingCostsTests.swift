import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct TradingCostsTests {
    let costs = TradingCosts()

    @Test func commissionIsTheRateWithAFiveYuanMinimum() {
        // 100,000 × 0.0003 = 30 CNY, above the minimum.
        #expect(abs(costs.commission(amount: 100_000) - 30) < 1e-9)
        // 10,000 × 0.0003 = 3 CNY, below the minimum: 5 CNY.
        #expect(costs.commission(amount: 10_000) == 5)
        // 16,666.67 × 0.0003 = 5.000001: the rate takes over just above 16,666.67 CNY.
        #expect(abs(costs.commission(amount: 20_000) - 6) < 1e-9)
        #expect(costs.commission(amount: 0) == 0)
    }

    @Test func stampDutyHalvedFrom20230828() {
        // A sell of 108,900 CNY: 0.1% = 108.90 on 2023-08-25, 0.05% = 54.45 from 2023-08-28.
        #expect(abs(costs.stampDuty(amount: 108_900, on: TradeDate(unchecked: 2023_08_25)) - 108.9) < 1e-9)
        #expect(abs(costs.stampDuty(amount: 108_900, on: TradeDate(unchecked: 2023_08_28)) - 54.45) < 1e-9)
        #expect(abs(costs.stampDuty(amount: 108_900, on: TradeDate(unchecked: 2024_01_02)) - 54.45) < 1e-9)
    }

    @Test func slippageIsAdverseOnBothSides() {
        let slipping = TradingCosts(slippage: 0.001)
        // 10.00 × 1.001 = 10.01 paid; 10.00 × 0.999 = 9.99 received.
        #expect(abs(slipping.buyPrice(10) - 10.01) < 1e-12)
        #expect(abs(slipping.sellPrice(10) - 9.99) < 1e-12)
    }

    @Test func rejectsRatesThatAreNotFractions() {
        #expect(
            throws: StockSchoolError.invalidArgument(
                name: "--slippage", reason: "1.5 must be a fraction of the price in [0, 1)")
        ) {
            try TradingCosts(slippage: 1.5).validate()
        }
        #expect(throws: StockSchoolError.self) { try TradingCosts(commissionRate: -0.1).validate() }
        #expect(throws: StockSchoolError.self) { try TradingCosts(minimumCommission: .nan).validate() }
    }
}
