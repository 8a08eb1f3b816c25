/// A calendar date in the A-share market's own notation: `yyyymmdd`.
///
/// Tushare sends dates as `"YYYYMMDD"` strings; inside StockSchool a date is the same digits as a
/// 32-bit integer (`20240102`), which sorts, compares and stores (SQLite `INTEGER`, PostgreSQL
/// `integer`) exactly like the string, at a fraction of the cost. Construction validates the
/// day against the proleptic Gregorian calendar, so `20230229` is rejected, not rolled over.
public struct TradeDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The date as the integer `yyyymmdd`.
    public let rawValue: Int32

    /// The earliest and latest dates StockSchool accepts. The Shanghai exchange opened in
    /// December 1990; 2200 leaves room for any calendar a user might plan with.
    public static let earliest = TradeDate(unchecked: 1990_01_01)
    public static let latest = TradeDate(unchecked: 2199_12_31)

    /// Validates `yyyymmdd`.
    public init(_ yyyymmdd: Int) throws(StockSchoolError) {
        guard yyyymmdd >= Self.earliest.rawValue, yyyymmdd <= Self.latest.rawValue,
            Self.isValid(year: yyyymmdd / 10_000, month: yyyymmdd / 100 % 100, day: yyyymmdd % 100)
        else {
            throw .invalidTradeDate(String(yyyymmdd))
        }
        self.rawValue = Int32(yyyymmdd)
    }

    /// Parses Tushare's `"YYYYMMDD"` form.
    public init(_ text: String) throws(StockSchoolError) {
        let utf8 = text.utf8
        guard utf8.count == 8 else { throw .invalidTradeDate(text) }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidTradeDate(text)
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        do { try self.init(value) } catch { throw .invalidTradeDate(text) }
    }

    /// For values already known to be valid (constants, the store's own columns).
    public init(unchecked yyyymmdd: Int32) {
        self.rawValue = yyyymmdd
    }

    public init(year: Int, month: Int, day: Int) throws(StockSchoolError) {
        try self.init(year * 10_000 + month * 100 + day)
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.rawValue = Int32(year * 10_000 + month * 100 + day)
    }

    /// The date in Beijing (UTC+8, no daylight saving), where the exchanges are.
    public static func inBeijing(secondsSinceEpoch: Double) -> TradeDate {
        TradeDate(daysSinceEpoch: Int(((secondsSinceEpoch + 8 * 3600) / 86_400).rounded(.down)))
    }

    public var year: Int { Int(rawValue) / 10_000 }
    public var month: Int { Int(rawValue) / 100 % 100 }
    public var day: Int { Int(rawValue) % 100 }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`): calendar-day arithmetic.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (daysSinceEpoch + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    /// The calendar date `days` days later (earlier when negative).
    public func addingDays(_ days: Int) -> TradeDate {
        TradeDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// `"YYYYMMDD"`, Tushare's wire form.
    public var description: String { String(rawValue) }

    /// `"YYYY-MM-DD"`, for people and ISO consumers.
    public var isoString: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(m)-\(d)"
    }

    public static func < (lhs: TradeDate, rhs: TradeDate) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard month >= 1, month <= 12, day >= 1 else { return false }
        return day <= daysIn(year: year, month: month)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            try self.init(number)
        } else {
            try self.init(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
