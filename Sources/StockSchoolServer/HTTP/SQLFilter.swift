import StockSchoolCore
import StockSchoolStore

/// A WHERE clause put together from fixed SQL fragments and bound values: what users send only
/// ever becomes a bind, never SQL text.
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var binds: [SQLValue] = []

    mutating func add(_ condition: String, _ values: SQLValue...) {
        conditions.append(condition)
        binds += values
    }

    /// `column >= from` and `column <= to`, for the bounds given.
    mutating func dateBounds(_ column: String, from start: TradeDate?, to end: TradeDate?) {
        if let start { add("\(column) >= ?", .integer(Int64(start.rawValue))) }
        if let end { add("\(column) <= ?", .integer(Int64(end.rawValue))) }
    }

    /// `WHERE …`, or nothing when there are no conditions.
    var clause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}

extension MarketStore {
    /// Rows of `table` that match `filter` (a list's `total`).
    func count(_ table: String, _ filter: SQLFilter = SQLFilter()) async throws -> Int {
        let rows = try await query(SQLStatement("SELECT count(*) FROM \(table) \(filter.clause)", filter.binds))
        return Int(rows.first?.first?.int ?? 0)
    }
}
