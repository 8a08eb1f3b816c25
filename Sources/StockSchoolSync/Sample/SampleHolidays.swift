import StockSchoolCore

/// The simulated exchange's holiday rules (see README.md, "Calendar").
///
/// Open days are weekdays minus these holidays:
/// - New Year's Day, January 1.
/// - Spring Festival: closed from lunar New Year's Eve for 7 calendar days (Eve … 5th day).
/// - Qingming, April 4.
/// - Labour Day, May 1–3.
/// - Dragon Boat Festival (lunar 5/5) and Mid-Autumn Festival (lunar 8/15).
/// - National Day, October 1–7.
/// - Bridge days: a one-day holiday (New Year, Qingming, Dragon Boat, Mid-Autumn) that falls on a
///   Tuesday also closes the Monday before it; one on a Thursday also closes the Friday after it
///   (China moves a weekend working day to make such bridges, and the exchange never opens on
///   weekends).
///
/// Lunar dates come from tables for 1990–2099 (generated with the `lunardate` Python package and
/// spot-checked against known Spring Festival dates); outside them New Year falls back to
/// February 1, the Dragon Boat Festival to June 10 and the Mid-Autumn Festival to September 20.
enum SampleHolidays {
    static let tableFirstYear = 1990
    static let tableLastYear = 2099
    /// Fallbacks outside the tables, as (month, day).
    static let fallbackLunarNewYear = (month: 2, day: 1)
    static let fallbackDragonBoat = (month: 6, day: 10)
    static let fallbackMidAutumn = (month: 9, day: 20)

    /// Lunar New Year (正月初一), as MMDD, 1990–2099.
    static let lunarNewYear: [Int16] = [
        127, 215, 204, 123, 210, 131, 219, 207, 128, 216,  // 1990-1999
        205, 124, 212, 201, 122, 209, 129, 218, 207, 126,  // 2000-2009
        214, 203, 123, 210, 131, 219, 208, 128, 216, 205,  // 2010-2019
        125, 212, 201, 122, 210, 129, 217, 206, 126, 213,  // 2020-2029
        203, 123, 211, 131, 219, 208, 128, 215, 204, 124,  // 2030-2039
        212, 201, 122, 210, 130, 217, 206, 126, 214, 202,  // 2040-2049
        123, 211, 201, 219, 208, 128, 215, 204, 124, 212,  // 2050-2059
        202, 121, 209, 129, 217, 205, 126, 214, 203, 123,  // 2060-2069
        211, 131, 219, 207, 127, 215, 205, 124, 212, 202,  // 2070-2079
        122, 209, 129, 217, 206, 126, 214, 203, 124, 210,  // 2080-2089
        130, 218, 207, 127, 215, 205, 125, 212, 201, 121,  // 2090-2099
    ]

    /// Dragon Boat Festival (五月初五), as MMDD, 1990–2099.
    static let dragonBoat: [Int16] = [
        528, 616, 605, 624, 613, 602, 620, 609, 530, 618,  // 1990-1999
        606, 625, 615, 604, 622, 611, 531, 619, 608, 528,  // 2000-2009
        616, 606, 623, 612, 602, 620, 609, 530, 618, 607,  // 2010-2019
        625, 614, 603, 622, 610, 531, 619, 609, 528, 616,  // 2020-2029
        605, 624, 612, 601, 620, 610, 530, 618, 607, 527,  // 2030-2039
        614, 603, 622, 611, 531, 619, 608, 529, 615, 604,  // 2040-2049
        623, 613, 601, 620, 610, 530, 617, 606, 625, 614,  // 2050-2059
        603, 622, 611, 601, 619, 608, 528, 616, 604, 623,  // 2060-2069
        613, 602, 620, 610, 530, 617, 606, 624, 614, 604,  // 2070-2079
        622, 611, 601, 619, 607, 527, 615, 605, 623, 613,  // 2080-2089
        602, 621, 609, 529, 617, 606, 624, 614, 604, 623,  // 2090-2099
    ]

    /// Mid-Autumn Festival (八月十五), as MMDD, 1990–2099.
    static let midAutumn: [Int16] = [
        1003, 922, 911, 930, 920, 909, 927, 916, 1005, 924,  // 1990-1999
        912, 1001, 921, 911, 928, 918, 1006, 925, 914, 1003,  // 2000-2009
        922, 912, 930, 919, 908, 927, 915, 1004, 924, 913,  // 2010-2019
        1001, 921, 910, 929, 917, 1006, 925, 915, 1003, 922,  // 2020-2029
        912, 1001, 919, 908, 927, 916, 1004, 924, 913, 1002,  // 2030-2039
        920, 910, 928, 917, 1005, 925, 915, 1004, 922, 911,  // 2040-2049
        930, 919, 907, 926, 916, 1005, 924, 913, 1002, 921,  // 2050-2059
        909, 928, 917, 1006, 925, 915, 1003, 923, 911, 929,  // 2060-2069
        919, 908, 926, 916, 1005, 924, 912, 1001, 920, 910,  // 2070-2079
        928, 917, 1006, 926, 914, 1003, 922, 911, 929, 918,  // 2080-2089
        908, 927, 916, 1005, 924, 913, 930, 920, 909, 929,  // 2090-2099
    ]

    private static func tableDate(_ table: [Int16], year: Int, fallback: (month: Int, day: Int)) -> Int {
        if year >= tableFirstYear, year <= tableLastYear {
            let mmdd = Int(table[year - tableFirstYear])
            return epochDay(year: year, month: mmdd / 100, day: mmdd % 100)
        }
        return epochDay(year: year, month: fallback.month, day: fallback.day)
    }

    static func epochDay(year: Int, month: Int, day: Int) -> Int {
        TradeDate(unchecked: Int32(year * 10_000 + month * 100 + day)).daysSinceEpoch
    }

    /// Lunar New Year's day of `year` (days since 1970-01-01).
    static func lunarNewYearDay(_ year: Int) -> Int {
        tableDate(lunarNewYear, year: year, fallback: fallbackLunarNewYear)
    }

    /// The closed days that the rules attach to `year` (days since 1970-01-01). A bridge day can
    /// fall into the neighbouring year (December 31 before a Tuesday New Year's Day).
    static func closedDays(year: Int) -> [Int] {
        var days: [Int] = []
        let singles = [
            epochDay(year: year, month: 1, day: 1),
            epochDay(year: year, month: 4, day: 4),
            tableDate(dragonBoat, year: year, fallback: fallbackDragonBoat),
            tableDate(midAutumn, year: year, fallback: fallbackMidAutumn),
        ]
        for day in singles {
            days.append(day)
            switch TradeDate(daysSinceEpoch: day).weekday {
            case 2: days.append(day - 1)  // Tuesday: bridge Monday
            case 4: days.append(day + 1)  // Thursday: bridge Friday
            default: break
            }
        }
        let newYear = lunarNewYearDay(year)
        for offset in -1...5 { days.append(newYear + offset) }
        for day in 1...3 { days.append(epochDay(year: year, month: 5, day: day)) }
        for day in 1...7 { days.append(epochDay(year: year, month: 10, day: day)) }
        return days
    }

    /// Every holiday (on any weekday or weekend) in `start...end`.
    static func holidays(from start: TradeDate, through end: TradeDate) -> Set<TradeDate> {
        let lo = start.daysSinceEpoch
        let hi = end.daysSinceEpoch
        var result: Set<TradeDate> = []
        guard lo <= hi else { return result }
        for year in (start.year - 1)...(end.year + 1) {
            for day in closedDays(year: year) where day >= lo && day <= hi {
                result.insert(TradeDate(daysSinceEpoch: day))
            }
        }
        return result
    }

    /// Whether the simulated exchange opens on `date`.
    static func isOpen(_ date: TradeDate) -> Bool {
        if date.isWeekend { return false }
        let day = date.daysSinceEpoch
        for year in (date.year - 1)...(date.year + 1) where closedDays(year: year).contains(day) {
            return false
        }
        return true
    }

    /// The open day before `date` by the rules, searching back at most 60 days and never before
    /// `TradeDate.earliest`.
    static func openDay(before date: TradeDate) -> TradeDate? {
        let floor = TradeDate.earliest.daysSinceEpoch
        var day = date.daysSinceEpoch - 1
        let stop = max(floor, day - 60)
        while day >= stop {
            let candidate = TradeDate(daysSinceEpoch: day)
            if isOpen(candidate) { return candidate }
            day -= 1
        }
        return nil
    }
}
