import StockSchoolCore

/// A single SQL value for the small, general queries (bookkeeping, stats, migrations). Bulk data
/// never goes through this enum: it has its own typed paths.
public enum SQLValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)

    public var int: Int64? {
        switch self {
        case .integer(let v): v
        case .double(let v): Int64(exactly: v.rounded()) ?? nil
        case .text(let s): Int64(s)
        case .null: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .double(let v): v
        case .text(let s): Double(s)
        case .null: nil
        }
    }

    public var string: String? {
        switch self {
        case .text(let s): s
        case .integer(let v): String(v)
        case .double(let v): String(v)
        case .null: nil
        }
    }

    public var description: String { string ?? "NULL" }
}

/// A statement with positional parameters, written with `?` placeholders; the PostgreSQL backend
/// renumbers them to `$1, $2, …`.
public struct SQLStatement: Sendable {
    public let sql: String
    public let binds: [SQLValue]

    public init(_ sql: String, _ binds: [SQLValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}

/// Decodes a record from a row of `SQLValue`s (the general read path).
struct SQLValueRowDecoder: RowDecoder {
    let values: [SQLValue]
    let table: String
    var index = 0

    init(_ values: [SQLValue], table: String) {
        self.values = values
        self.table = table
    }

    private mutating func next() -> SQLValue {
        defer { index += 1 }
        return index < values.count ? values[index] : .null
    }

    mutating func text() throws(StockSchoolError) -> String? { next().string }

    mutating func date() throws(StockSchoolError) -> TradeDate? {
        guard let raw = next().int else { return nil }
        return try TradeDate(Int(raw))
    }

    mutating func double() throws(StockSchoolError) -> Double? { next().doubleValue }
    mutating func integer() throws(StockSchoolError) -> Int64? { next().int }

    mutating func timestamp() throws(StockSchoolError) -> Timestamp? {
        switch next() {
        case .null: return nil
        case .double(let seconds): return Timestamp(secondsSinceEpoch: seconds)
        case .integer(let seconds): return Timestamp(secondsSinceEpoch: Double(seconds))
        case .text(let text):
            guard let stamp = Timestamp(iso8601: text) else {
                throw .invalidValue(table: table, column: "timestamp", row: text, reason: "not an ISO-8601 instant")
            }
            return stamp
        }
    }

    mutating func boolean() throws(StockSchoolError) -> Bool? {
        switch next() {
        case .null: nil
        case .text(let t): t == "t" || t == "true" || t == "1"
        case let other: other.int.map { $0 != 0 }
        }
    }
}

/// Turns `?` placeholders into PostgreSQL's `$n` (outside quoted literals).
func numberedPlaceholders(_ sql: String) -> String {
    var result = ""
    result.reserveCapacity(sql.utf8.count + 16)
    var n = 0
    var inQuote = false
    for ch in sql {
        if ch == "'" { inQuote.toggle() }
        if ch == "?" && !inQuote {
            n += 1
            result += "$\(n)"
        } else {
            result.append(ch)
        }
    }
    return result
}
