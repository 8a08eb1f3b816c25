import StockSchoolCore

/// A committed sync unit: `rows` rows of `dataset` for `trade_date` from `source`. It is written in
/// the same transaction as the rows themselves, so a checkpoint exists exactly when its data does.
public struct SyncCheckpoint: Sendable, Equatable, StoreRecord {
    public var source: String
    public var dataset: String
    public var tradeDate: TradeDate
    public var rows: Int64
    public var runID: Int64?
    public var completedAt: Timestamp

    public init(
        source: String, dataset: String, tradeDate: TradeDate, rows: Int64, runID: Int64?,
        completedAt: Timestamp
    ) {
        self.source = source
        self.dataset = dataset
        self.tradeDate = tradeDate
        self.rows = rows
        self.runID = runID
        self.completedAt = completedAt
    }

    public static var schema: TableSchema { Schema.syncState }
    public var rowKey: String { "\(source)/\(dataset) \(tradeDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(source)
        try e.text(dataset)
        try e.date(tradeDate)
        try e.integer(rows)
        try e.integer(runID)
        try e.timestamp(completedAt)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.syncState.name
        self.init(
            source: try d.requiredText("source", table), dataset: try d.requiredText("dataset", table),
            tradeDate: try d.requiredDate("trade_date", table), rows: try d.requiredInteger("rows", table),
            runID: try d.integer(), completedAt: try d.requiredTimestamp("completed_at", table))
    }
}
