import StockSchoolCore

/// Which rows of a table to read: one stock, a date range, or both (a date range of one day is a
/// cross-section).
public struct RecordFilter: Sendable, Equatable {
    public var tsCode: TSCode?
    public var start: TradeDate?
    public var end: TradeDate?

    public init(tsCode: TSCode? = nil, start: TradeDate? = nil, end: TradeDate? = nil) {
        self.tsCode = tsCode
        self.start = start
        self.end = end
    }

    public static let all = RecordFilter()

    /// Every stock on one date.
    public static func crossSection(_ date: TradeDate) -> RecordFilter {
        RecordFilter(start: date, end: date)
    }

    /// `WHERE …` with `?` placeholders for `schema`, or throws when the table has no such column.
    func whereClause(for schema: TableSchema) throws(StockSchoolError) -> (String, [SQLValue]) {
        var terms: [String] = []
        var binds: [SQLValue] = []
        if let tsCode {
            guard let column = schema.codeColumn else {
                throw .invalidArgument(name: "filter", reason: "\(schema.name) has no ts_code column")
            }
            terms.append("\(column) = ?")
            binds.append(.text(tsCode.description))
        }
        if start != nil || end != nil {
            guard let column = schema.dateColumn else {
                throw .invalidArgument(name: "filter", reason: "\(schema.name) has no date column")
            }
            if let start, let end, start > end { throw .invalidDateRange(start: start, end: end) }
            if let start {
                terms.append("\(column) >= ?")
                binds.append(.integer(Int64(start.rawValue)))
            }
            if let end {
                terms.append("\(column) <= ?")
                binds.append(.integer(Int64(end.rawValue)))
            }
        }
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), binds)
    }
}
