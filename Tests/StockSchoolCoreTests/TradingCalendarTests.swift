import Testing

@testable import StockSchoolCore

@Suite struct TradingCalendarTests {
    // January 2024: 23 weekdays; New Year's Day (Mon 1st) is a holiday → 22 open days.
    let january = TradingCalendar(
        weekdaysFrom: TradeDate(unchecked: 2024_01_01), through: TradeDate(unchecked: 2024_01_31),
        holidays: [TradeDate(unchecked: 2024_01_01)])

    @Test func weekdaysMinusHolidays() {
        #expect(january.count == 22)
        #expect(january.first?.rawValue == 2024_01_02)
        #expect(january.last?.rawValue == 2024_01_31)
        #expect(!january.isOpen(TradeDate(unchecked: 2024_01_06)))
    }

    @Test func neighbours() throws {
        let friday = TradeDate(unchecked: 2024_01_05)
        let saturday = TradeDate(unchecked: 2024_01_06)
        #expect(january.next(friday)?.rawValue == 2024_01_08)
        #expect(january.previous(saturday)?.rawValue == 2024_01_05)
        #expect(january.onOrAfter(saturday)?.rawValue == 2024_01_08)
        #expect(january.onOrBefore(saturday)?.rawValue == 2024_01_05)
        #expect(january.previous(TradeDate(unchecked: 2024_01_02)) == nil)
    }

    @Test func advanceAndDistanceCountTradingDays() throws {
        let start = TradeDate(unchecked: 2024_01_02)
        #expect(try january.advance(start, by: 5)?.rawValue == 2024_01_09)
        #expect(try january.advance(start, by: -1) == nil)
        #expect(try january.distance(from: start, to: TradeDate(unchecked: 2024_01_31)) == 21)
        #expect(throws: StockSchoolError.dateOutsideCalendar(TradeDate(unchecked: 2024_01_06))) {
            try january.advance(TradeDate(unchecked: 2024_01_06), by: 1)
        }
    }

    @Test func rangeSlices() {
        let week = january.days(from: TradeDate(unchecked: 2024_01_06), through: TradeDate(unchecked: 2024_01_12))
        #expect(week.map(\.rawValue) == [2024_01_08, 2024_01_09, 2024_01_10, 2024_01_11, 2024_01_12])
        #expect(january.days(from: TradeDate(unchecked: 2024_02_01), through: TradeDate(unchecked: 2024_02_05)).isEmpty)
    }

    @Test func deduplicatesAndSorts() {
        let calendar = TradingCalendar(openDays: [
            TradeDate(unchecked: 2024_01_03), TradeDate(unchecked: 2024_01_02), TradeDate(unchecked: 2024_01_03),
        ])
        #expect(calendar.openDays.map(\.rawValue) == [2024_01_02, 2024_01_03])
    }
}
