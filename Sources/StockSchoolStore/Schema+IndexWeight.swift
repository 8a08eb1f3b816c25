/// Index constituents, for point-in-time index universes (`--universe index:000300.SH`).
extension Schema {
    /// One row per index, snapshot date and constituent (Tushare `index_weight`).
    ///
    /// Keyed index first: a universe reads one index's snapshots over a date range, a key-prefix
    /// range scan. The (`con_code`, `trade_date`) index answers "which indices held this stock".
    /// `trade_date` is in the key, so the table can become a TimescaleDB hypertable unchanged.
    public static let indexWeight = TableSchema(
        name: "index_weight",
        columns: [
            Column("index_code", .text, nullable: false),
            Column("con_code", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("weight", .double),
        ],
        primaryKey: ["index_code", "trade_date", "con_code"], indexes: [["con_code", "trade_date"]],
        codeColumn: "con_code", dateColumn: "trade_date")
}
