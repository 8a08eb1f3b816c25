import Testing

@testable import StockSchoolCore

@Suite struct TradeDateTests {
    @Test func parsesValidDates() throws {
        #expect(try TradeDate("20240229").rawValue == 2024_02_29)
        #expect(try TradeDate(2000_02_29).day == 29)
        #expect(try TradeDate("19900101").year == 1990)
    }

    @Test(arguments: [
        "20230229", "19000229", "20241301", "20240132", "20240000", "2024-01-02", "2024010", "abcdefgh", "19891231",
        "22000101", "",
    ])
    func rejectsInvalidDates(_ text: String) {
        #expect(throws: StockSchoolError.invalidTradeDate(text)) { try TradeDate(text) }
    }

    @Test func errorMessageNamesTheInputAndTheFormat() {
        let message = StockSchoolError.invalidTradeDate("20230229").description
        #expect(message.contains("'20230229'"))
        #expect(message.contains("YYYYMMDD"))
    }

    @Test func epochDaysMatchKnownValues() throws {
        // 1970-01-01 is day 0; 2000-01-01 is day 10957 (30 years incl. 7 leap days: 30×365+7).
        #expect(TradeDate(daysSinceEpoch: 0).rawValue == 1970_01_01)
        #expect(TradeDate(unchecked: 1970_01_01).daysSinceEpoch == 0)
        #expect(try TradeDate("20000101").daysSinceEpoch == 10_957)
        #expect(TradeDate(daysSinceEpoch: 10_957).rawValue == 2000_01_01)
    }

    @Test func weekdaysMatchTheCalendar() throws {
        #expect(try TradeDate("20240102").weekday == 2)  // Tuesday
        #expect(try TradeDate("20240106").isWeekend)  // Saturday
        #expect(TradeDate(daysSinceEpoch: 0).weekday == 4)  // 1970-01-01, a Thursday
    }

    @Test func dayArithmeticRoundTripsAcrossYearsAndLeapDays() throws {
        #expect(try TradeDate("20231231").addingDays(1).rawValue == 2024_01_01)
        #expect(try TradeDate("20240228").addingDays(1).rawValue == 2024_02_29)
        #expect(try TradeDate("20240301").addingDays(-1).rawValue == 2024_02_29)
        // Every day from 1990 to 2100 maps to a valid date and back to the same day number.
        let first = try TradeDate("19900101").daysSinceEpoch
        let last = try TradeDate("21001231").daysSinceEpoch
        var previous = TradeDate(daysSinceEpoch: first - 1)
        for day in first...last {
            let date = TradeDate(daysSinceEpoch: day)
            #expect(date.daysSinceEpoch == day)
            #expect(date > previous)
            previous = date
        }
    }

    @Test func isoStringPadsMonthAndDay() throws {
        #expect(try TradeDate("20240102").isoString == "2024-01-02")
        #expect(try TradeDate("20241231").description == "20241231")
    }
}
