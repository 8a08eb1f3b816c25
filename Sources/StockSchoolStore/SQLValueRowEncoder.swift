import StockSchoolCore

/// Collects rows as statement parameters, with the same checks as the bulk encoders: for the
/// small batches (a unit's checkpoint and quality report) where one `INSERT … VALUES` costs a
/// single round trip instead of a staging table and a `COPY`.
struct SQLValueRowEncoder: RowEncoder {
    private(set) var values: [SQLValue] = []
    var guardrail: ColumnGuard

    init(schema: TableSchema) { self.guardrail = ColumnGuard(schema) }

    mutating func startRow() { guardrail.reset() }

    mutating func text(_ value: String?) throws(ColumnViolation) {
        let column = guardrail.next()
        values.append(try guardrail.check(value, column).map(SQLValue.text) ?? .null)
    }

    mutating func date(_ value: TradeDate?) throws(ColumnViolation) {
        let column = guardrail.next()
        values.append(try guardrail.check(value, column).map { .integer(Int64($0.rawValue)) } ?? .null)
    }

    mutating func double(_ value: Double?) throws(ColumnViolation) {
        let column = guardrail.next()
        values.append(try guardrail.check(value, column).map(SQLValue.double) ?? .null)
    }

    mutating func integer(_ value: Int64?) throws(ColumnViolation) {
        let column = guardrail.next()
        values.append(try guardrail.check(value, column).map(SQLValue.integer) ?? .null)
    }

    mutating func timestamp(_ value: Timestamp?) throws(ColumnViolation) {
        try text(value?.iso8601)
    }

    mutating func boolean(_ value: Bool?) throws(ColumnViolation) {
        let column = guardrail.next()
        values.append(try guardrail.check(value, column).map { .text($0 ? "true" : "false") } ?? .null)
    }
}
