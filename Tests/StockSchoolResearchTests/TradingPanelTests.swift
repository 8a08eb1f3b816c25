import StockSchoolCore
import Testing

@testable import StockSchoolResearch

@Suite struct TradingPanelTests {
    static let codes = [TSCode(literal: "600000.SH"), TSCode(literal: "000001.SZ")]
    static let dates = [TradeDate(unchecked: 2024_01_02), TradeDate(unchecked: 2024_01_03)]

    @Test func rejectsColumnsOfTheWrongLength() {
        #expect(throws: StockSchoolError.self) {
            try TradingPanel(
                tsCodes: Self.codes, dates: Self.dates, open: [1, 2, 3], close: [1, 2, 3, 4], adjFactor: [1, 1, 1, 1],
                limitUp: [2, 2, 2, 2], limitDown: [0, 0, 0, 0], industries: [nil, nil])
        }
    }

    @Test func limitsCompareInWholeFen() throws {
        let panel = try TradingPanel(
            tsCodes: Self.codes, dates: Self.dates, open: [10, 11, 5, .nan], close: [11, 10.5, 5.5, .nan],
            adjFactor: [1, 2, 1, 1], limitUp: [11, 12.1, 5.5, .nan], limitDown: [9, 9.9, 4.5, .nan],
            industries: ["银行", nil])
        #expect(panel.atLimitUp(11, panel.cell(0, 0)))
        #expect(!panel.atLimitUp(10.99, panel.cell(0, 0)))
        #expect(panel.atLimitDown(9, panel.cell(0, 0)))
        #expect(panel.adjustedClose(panel.cell(0, 1)) == 21)
        #expect(!panel.traded(panel.cell(1, 1)))
    }
}
