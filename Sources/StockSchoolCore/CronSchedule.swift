import Foundation

/// A cron-style schedule: five fields (minute, hour, day of month, month, day of week), each `*`,
/// a number, a range `a-b`, a step `*/n` or `a-b/n` or `a/n`, or a comma-separated list of those;
/// months and days of week also by English name (`jan`, `mon-fri`). Evaluated in a time zone —
/// Asia/Shanghai by default, the exchanges' clock, so "30 18 * * 1-5" is 18:30 Beijing time on
/// weekdays wherever the worker runs.
///
/// As in Vixie cron (and so as a crontab user expects): Sunday is 0 or 7; when both the day of
/// month and the day of week are restricted (neither is `*`), a day matching either fires.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let expression: String
    public let timeZone: TimeZone
    let minutes: [Int]
    let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (a 7 in the expression is folded to 0).
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    /// The exchanges' time zone (UTC+8 all year: China has had no daylight saving since 1991).
    /// The fixed offset stands in only if the system lacks time-zone data.
    public static let shanghai: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    public var description: String { expression }

    /// What is wrong with an expression, naming the field.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// `minute`, `hour`, `day-of-month`, `month`, `day-of-week`, or `expression` for the whole.
        public let field: String
        public let reason: String

        public var description: String { field == "expression" ? reason : "\(field) field: \(reason)" }
    }

    struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String]
    }

    static let fields = [
        Field(name: "minute", range: 0...59, names: []),
        Field(name: "hour", range: 0...23, names: []),
        Field(name: "day-of-month", range: 1...31, names: []),
        Field(
            name: "month", range: 1...12,
            names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        Field(name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    public init(_ expression: String, timeZone: TimeZone = CronSchedule.shanghai) throws(ParseError) {
        let parts = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw ParseError(
                field: "expression",
                reason:
                    "expected 5 fields (minute hour day-of-month month day-of-week, e.g. '30 18 * * 1-5'), got \(parts.count) in '\(expression)'"
            )
        }
        var sets: [Set<Int>] = []
        for (text, field) in zip(parts, Self.fields) {
            sets.append(try Self.parse(text, field))
        }
        self.expression = expression
        self.timeZone = timeZone
        minutes = sets[0].sorted()
        hours = sets[1].sorted()
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = Set(sets[4].map { $0 % 7 })
        dayOfMonthRestricted = parts[2] != "*"
        dayOfWeekRestricted = parts[4] != "*"
        // "0 0 31 2 *" parses but would never fire: a schedule that silently never runs is a
        // configuration mistake, so say so now rather than wait forever.
        // (With a day of week too, either may match, and weekdays occur in every month.)
        if !dayOfWeekRestricted {
            let longest = [1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31]
            guard months.contains(where: { month in daysOfMonth.contains { $0 <= longest[month, default: 31] } })
            else {
                throw ParseError(
                    field: "day-of-month", reason: "'\(parts[2])' never occurs in month(s) '\(parts[3])'")
            }
        }
    }

    /// One field: `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n`, or a list of them.
    static func parse(_ text: String, _ field: Field) throws(ParseError) -> Set<Int> {
        func fail(_ reason: String) -> ParseError { ParseError(field: field.name, reason: reason) }
        func value(_ token: Substring) throws(ParseError) -> Int {
            let lower = token.lowercased()
            if let index = field.names.firstIndex(of: lower) { return field.range.lowerBound + index }
            guard let number = Int(token) else {
                throw fail(
                    "'\(token)' is not a number\(field.names.isEmpty ? "" : " or a name (\(field.names.joined(separator: ", ")))")"
                )
            }
            guard field.range.contains(number) else {
                throw fail("\(number) is outside \(field.range.lowerBound)–\(field.range.upperBound)")
            }
            return number
        }
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("empty list item in '\(text)'") }
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw fail("more than one '/' in '\(item)'") }
            var step = 1
            if pieces.count == 2 {
                guard let n = Int(pieces[1]), n >= 1, n <= field.range.count else {
                    throw fail("step '\(pieces[1])' in '\(item)' must be a number from 1 to \(field.range.count)")
                }
                step = n
            }
            let span = pieces[0]
            var low: Int
            var high: Int
            if span == "*" {
                (low, high) = (field.range.lowerBound, field.range.upperBound)
            } else if let dash = span.firstIndex(of: "-") {
                low = try value(span[..<dash])
                high = try value(span[span.index(after: dash)...])
                guard low <= high else { throw fail("range '\(span)' runs backwards") }
            } else {
                low = try value(span)
                // `a/n` is "from a to the end, every n" (Vixie cron).
                high = pieces.count == 2 ? field.range.upperBound : low
            }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result
    }

    /// The first instant strictly after `instant` at which the schedule fires (whole minutes), or
    /// nil if none within eight years (only impossible days, such as 30 February, get there).
    public func next(after instant: Timestamp) -> Timestamp? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = Date(timeIntervalSince1970: instant.secondsSinceEpoch)
        guard var day = calendar.date(from: calendar.dateComponents([.year, .month, .day], from: start)) else {
            return nil
        }
        // Walking whole days and then the sorted hours and minutes of a matching day finds the
        // next fire time in a few thousand steps at worst, where minute-by-minute could take
        // millions.
        for _ in 0..<(366 * 8) {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
                months.contains(month), matches(dayOfMonth: dayOfMonth, dayOfWeek: weekday - 1)
            {
                for hour in hours {
                    for minute in minutes {
                        var wanted = parts
                        wanted.weekday = nil
                        wanted.hour = hour
                        wanted.minute = minute
                        wanted.second = 0
                        // A local time a daylight-saving gap skips does not exist: no fire then.
                        guard let fire = calendar.date(from: wanted),
                            calendar.component(.hour, from: fire) == hour,
                            fire.timeIntervalSince1970 > instant.secondsSinceEpoch
                        else { continue }
                        return Timestamp(secondsSinceEpoch: fire.timeIntervalSince1970)
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }

    func matches(dayOfMonth: Int, dayOfWeek: Int) -> Bool {
        let byMonth = daysOfMonth.contains(dayOfMonth)
        let byWeek = daysOfWeek.contains(dayOfWeek)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return byMonth || byWeek
        case (true, false): return byMonth
        case (false, true): return byWeek
        case (false, false): return true
        }
    }

    /// The schedule's fire times in (`after`, `through`], oldest first, at most `limit` of them.
    public func fireTimes(after: Timestamp, through: Timestamp, limit: Int = 1000) -> [Timestamp] {
        var result: [Timestamp] = []
        var cursor = after
        while result.count < limit, let fire = next(after: cursor), fire <= through {
            result.append(fire)
            cursor = fire
        }
        return result
    }
}
