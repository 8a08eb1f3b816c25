import StockSchoolCore

/// The quality verdict on one dataset for one date: a score in [0, 1] (1 = no finding) and the
/// findings as a JSON array of `{check, count, detail}` objects.
public struct QualityReport: Sendable, Equatable, StoreRecord {
    public var dataset: String
    public var tradeDate: TradeDate
    public var score: Double
    public var rows: Int64
    public var expected: Int64?
    public var findings: String
    public var runID: Int64?
    public var checkedAt: Timestamp

    public init(
        dataset: String, tradeDate: TradeDate, score: Double, rows: Int64, expected: Int64?,
        findings: String, runID: Int64?, checkedAt: Timestamp
    ) {
        self.dataset = dataset
        self.tradeDate = tradeDate
        self.score = score
        self.rows = rows
        self.expected = expected
        self.findings = findings
        self.runID = runID
        self.checkedAt = checkedAt
    }

    public static var schema: TableSchema { Schema.qualityReports }
    public var rowKey: String { "\(dataset) \(tradeDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(dataset)
        try e.date(tradeDate)
        try e.double(score)
        try e.integer(rows)
        try e.integer(expected)
        try e.text(findings)
        try e.integer(runID)
        try e.timestamp(checkedAt)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.qualityReports.name
        self.init(
            dataset: try d.requiredText("dataset", table), tradeDate: try d.requiredDate("trade_date", table),
            score: try d.requiredDouble("score", table), rows: try d.requiredInteger("rows", table),
            expected: try d.integer(), findings: try d.requiredText("findings", table),
            runID: try d.integer(), checkedAt: try d.requiredTimestamp("checked_at", table))
    }
}
