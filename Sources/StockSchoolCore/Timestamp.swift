/// An instant in UTC with microsecond resolution, written ISO-8601 (`2024-01-02T15:04:05Z`).
///
/// Run logs and checkpoints need wall-clock instants; `Foundation.Date` would do, but its
/// formatters are slow and locale-sensitive, and the store must write the same text on every
/// machine.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let secondsSinceEpoch: Double

    public init(secondsSinceEpoch: Double) { self.secondsSinceEpoch = secondsSinceEpoch }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
    public var iso8601: String {
        let whole = secondsSinceEpoch.rounded(.down)
        let micros = Int(((secondsSinceEpoch - whole) * 1_000_000).rounded())
        var seconds = Int(whole)
        var days = seconds / 86_400
        seconds -= days * 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        let date = TradeDate(daysSinceEpoch: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(date.isoString)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if micros > 0 && micros < 1_000_000 {
            let digits = String(micros)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "Z"
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+00|+00:00]` (the forms SQLite and PostgreSQL
    /// print for UTC).
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let b = bytes[i]
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10), bytes[10] == 84 || bytes[10] == 32,
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            TradeDate.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        var i = 19
        if i < bytes.count, bytes[i] == 46 {
            var scale = 0.1
            i += 1
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                fraction += Double(bytes[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        let rest = String(decoding: bytes[i...], as: UTF8.self)
        guard ["", "Z", "+00", "+00:00"].contains(rest) else { return nil }
        let date = TradeDate(unchecked: Int32(year * 10_000 + month * 100 + day))
        self.secondsSinceEpoch =
            Double(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }
}
