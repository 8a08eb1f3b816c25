import StockSchoolCore

/// A row type with a table in the schema. Records write and read their columns in the table's
/// column order through a backend's encoder or decoder, so the fast bulk paths (raw SQLite binds,
/// PostgreSQL binary `COPY`) need no intermediate dictionaries or boxed values.
public protocol StoreRecord: Sendable {
    static var schema: TableSchema { get }
    /// How to name this row in an error message (`600000.SH 20240102`).
    var rowKey: String { get }
    func encode<E: RowEncoder>(to encoder: inout E) throws(ColumnViolation)
    init<D: RowDecoder>(from decoder: inout D) throws(StockSchoolError)
}

extension StoreRecord {
    /// Encodes the row, turning a rejected value into the user-facing error that names table,
    /// column and row.
    func encodeChecked<E: RowEncoder>(to encoder: inout E) throws(StockSchoolError) {
        do throws(ColumnViolation) {
            try encode(to: &encoder)
        } catch {
            throw .invalidValue(table: Self.schema.name, column: error.column, row: rowKey, reason: error.reason)
        }
    }
}

/// A value that cannot go into its column. The writer adds table and row and reports it as
/// `StockSchoolError.invalidValue`.
public struct ColumnViolation: Error, Sendable {
    public let column: String
    public let reason: String
}

/// Writes one row's columns, in schema order.
public protocol RowEncoder {
    mutating func text(_ value: String?) throws(ColumnViolation)
    mutating func date(_ value: TradeDate?) throws(ColumnViolation)
    /// `nil` and NaN are NULL ("missing is explicit"); ±infinity is rejected.
    mutating func double(_ value: Double?) throws(ColumnViolation)
    mutating func integer(_ value: Int64?) throws(ColumnViolation)
    mutating func timestamp(_ value: Timestamp?) throws(ColumnViolation)
    mutating func boolean(_ value: Bool?) throws(ColumnViolation)
}

/// Reads one row's columns, in schema order.
public protocol RowDecoder {
    mutating func text() throws(StockSchoolError) -> String?
    mutating func date() throws(StockSchoolError) -> TradeDate?
    mutating func double() throws(StockSchoolError) -> Double?
    mutating func integer() throws(StockSchoolError) -> Int64?
    mutating func timestamp() throws(StockSchoolError) -> Timestamp?
    mutating func boolean() throws(StockSchoolError) -> Bool?
}

/// The checks every encoder applies before a value reaches the database, so both backends reject
/// exactly the same input with the same message.
struct ColumnGuard {
    /// What a value's check needs to know of its column; names are looked up only for errors,
    /// so a value costs no string copies.
    struct Slot {
        let index: Int
        let nullable: Bool
    }

    private let names: [String]
    private let nullable: [Bool]
    private(set) var index = 0

    init(_ schema: TableSchema) {
        names = schema.columns.map(\.name)
        nullable = schema.columns.map(\.nullable)
    }

    mutating func reset() { index = 0 }

    /// Returns the column about to be written and advances.
    mutating func next() -> Slot {
        defer { index += 1 }
        return Slot(index: index, nullable: nullable[index])
    }

    /// The double to store, `nil` for NULL.
    func check(_ value: Double?, _ column: Slot) throws(ColumnViolation) -> Double? {
        guard let value, !value.isNaN else {
            if column.nullable { return nil }
            throw violation(column, value == nil ? Self.missing : "NaN in a NOT NULL column")
        }
        guard value.isFinite else { throw violation(column, "\(value) is not a finite number") }
        return value
    }

    func check<T>(_ value: T?, _ column: Slot) throws(ColumnViolation) -> T? {
        if value == nil, !column.nullable { throw violation(column, Self.missing) }
        return value
    }

    /// A violation of `column`'s rule, with the column named.
    func violation(_ column: Slot, _ reason: String) -> ColumnViolation {
        ColumnViolation(column: names[column.index], reason: reason)
    }

    static let missing = "value is missing but the column is NOT NULL"
}

extension RowDecoder {
    /// Reads a non-null value, naming the column when the database hands back NULL.
    public mutating func required<T>(
        _ read: (inout Self) throws(StockSchoolError) -> T?, _ column: String, _ table: String
    ) throws(StockSchoolError) -> T {
        guard let value = try read(&self) else {
            throw .invalidValue(table: table, column: column, row: "a stored row", reason: "unexpected NULL")
        }
        return value
    }

    public mutating func tsCode(_ table: String) throws(StockSchoolError) -> TSCode {
        try TSCode(required({ (d: inout Self) throws(StockSchoolError) in try d.text() }, "ts_code", table))
    }

    public mutating func requiredDate(_ column: String, _ table: String) throws(StockSchoolError) -> TradeDate {
        try required({ (d: inout Self) throws(StockSchoolError) in try d.date() }, column, table)
    }

    public mutating func requiredDouble(_ column: String, _ table: String) throws(StockSchoolError) -> Double {
        try required({ (d: inout Self) throws(StockSchoolError) in try d.double() }, column, table)
    }

    public mutating func requiredText(_ column: String, _ table: String) throws(StockSchoolError) -> String {
        try required({ (d: inout Self) throws(StockSchoolError) in try d.text() }, column, table)
    }

    public mutating func requiredInteger(_ column: String, _ table: String) throws(StockSchoolError) -> Int64 {
        try required({ (d: inout Self) throws(StockSchoolError) in try d.integer() }, column, table)
    }

    public mutating func requiredTimestamp(_ column: String, _ table: String) throws(StockSchoolError) -> Timestamp {
        try required({ (d: inout Self) throws(StockSchoolError) in try d.timestamp() }, column, table)
    }
}
