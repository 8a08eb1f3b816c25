/// The logical schema shared by both backends (see ARCHITECTURE.md).
///
/// Market tables are keyed by (`trade_date`, `ts_code`): data arrives one trade date for the whole
/// market at a time (Tushare's `daily` by `trade_date`, the simulated market likewise), so with the
/// date first every load appends to the end of the key instead of touching one page per stock —
/// measured 2–3× faster on SQLite (BENCHMARKS.md). Cross-sections are key prefixes. Per-stock
/// reads use an index (`ts_code`, `trade_date`) on PostgreSQL and a skip-scan over the key on
/// SQLite. The partition column is in every unique key, so the tables can become TimescaleDB
/// hypertables unchanged.
public enum Schema {
    /// Typical shape of a market table for the SQLite planner: ~5,000 stocks a date.
    static let marketStatistics = "10000000 5000 1"

    static func ohlcv(_ name: String) -> TableSchema {
        TableSchema(
            name: name,
            columns: [
                Column("ts_code", .text, nullable: false),
                Column("trade_date", .date, nullable: false),
                Column("open", .double, nullable: false),
                Column("high", .double, nullable: false),
                Column("low", .double, nullable: false),
                Column("close", .double, nullable: false),
                Column("pre_close", .double),
                Column("change", .double),
                Column("pct_chg", .double),
                Column("vol", .double),
                Column("amount", .double),
            ],
            primaryKey: ["trade_date", "ts_code"], postgresIndexes: [["ts_code", "trade_date"]],
            sqliteStatistics: marketStatistics, codeColumn: "ts_code", dateColumn: "trade_date")
    }

    public static let stockBasic = TableSchema(
        name: "stock_basic",
        columns: [
            Column("ts_code", .text, nullable: false),
            Column("symbol", .text, nullable: false),
            Column("name", .text, nullable: false),
            Column("area", .text),
            Column("industry", .text),
            Column("fullname", .text),
            Column("enname", .text),
            Column("cnspell", .text),
            Column("market", .text),
            Column("exchange", .text),
            Column("curr_type", .text),
            Column("list_status", .text, nullable: false),
            Column("list_date", .date),
            Column("delist_date", .date),
            Column("is_hs", .text),
            Column("act_name", .text),
            Column("act_ent_type", .text),
        ],
        primaryKey: ["ts_code"], indexes: [["list_status"]], codeColumn: "ts_code")

    public static let tradeCal = TableSchema(
        name: "trade_cal",
        columns: [
            Column("exchange", .text, nullable: false),
            Column("cal_date", .date, nullable: false),
            Column("is_open", .boolean, nullable: false),
            Column("pretrade_date", .date),
        ],
        primaryKey: ["exchange", "cal_date"], dateColumn: "cal_date")

    public static let stockDaily = ohlcv("stock_daily")
    public static let indexDaily = ohlcv("index_daily")

    public static let adjFactor = TableSchema(
        name: "adj_factor",
        columns: [
            Column("ts_code", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("adj_factor", .double, nullable: false),
        ],
        primaryKey: ["trade_date", "ts_code"], postgresIndexes: [["ts_code", "trade_date"]],
        sqliteStatistics: marketStatistics, codeColumn: "ts_code", dateColumn: "trade_date")

    public static let dailyBasic = TableSchema(
        name: "daily_basic",
        columns: [
            Column("ts_code", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("close", .double),
            Column("turnover_rate", .double),
            Column("turnover_rate_f", .double),
            Column("volume_ratio", .double),
            Column("pe", .double),
            Column("pe_ttm", .double),
            Column("pb", .double),
            Column("ps", .double),
            Column("ps_ttm", .double),
            Column("dv_ratio", .double),
            Column("dv_ttm", .double),
            Column("total_share", .double),
            Column("float_share", .double),
            Column("free_share", .double),
            Column("total_mv", .double),
            Column("circ_mv", .double),
        ],
        primaryKey: ["trade_date", "ts_code"], postgresIndexes: [["ts_code", "trade_date"]],
        sqliteStatistics: marketStatistics, codeColumn: "ts_code", dateColumn: "trade_date")

    /// One row per (source, dataset, date unit) that has been fetched and committed: the
    /// checkpoint the planner reads to find what is missing, holes included.
    public static let syncState = TableSchema(
        name: "sync_state",
        columns: [
            Column("source", .text, nullable: false),
            Column("dataset", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("rows", .integer, nullable: false),
            Column("run_id", .integer),
            Column("completed_at", .timestamp, nullable: false),
        ],
        primaryKey: ["source", "dataset", "trade_date"], dateColumn: "trade_date")

    /// One row per sync run: what it did and how it ended.
    public static let syncRuns = TableSchema(
        name: "sync_runs",
        columns: [
            Column("source", .text, nullable: false),
            Column("datasets", .text, nullable: false),
            Column("started_at", .timestamp, nullable: false),
            Column("finished_at", .timestamp),
            Column("status", .text, nullable: false),
            Column("calls", .integer, nullable: false),
            Column("retries", .integer, nullable: false),
            Column("rows", .integer, nullable: false),
            Column("errors", .integer, nullable: false),
            Column("skipped", .text),
            Column("message", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["started_at"]])

    /// Data-quality findings per dataset and date, scored in [0, 1].
    public static let qualityReports = TableSchema(
        name: "quality_reports",
        columns: [
            Column("dataset", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("score", .double, nullable: false),
            Column("rows", .integer, nullable: false),
            Column("expected", .integer),
            Column("findings", .text, nullable: false),
            Column("run_id", .integer),
            Column("checked_at", .timestamp, nullable: false),
        ],
        primaryKey: ["dataset", "trade_date"], indexes: [["trade_date"]], dateColumn: "trade_date")

    public static let schemaMigrations = TableSchema(
        name: "schema_migrations",
        columns: [
            Column("version", .integer, nullable: false),
            Column("name", .text, nullable: false),
            Column("applied_at", .timestamp, nullable: false),
        ],
        primaryKey: ["version"])

    /// Every table, in the order `db stats` lists them.
    public static let tables: [TableSchema] = [
        stockBasic, tradeCal, stockDaily, adjFactor, dailyBasic, indexDaily, indexWeight,
        syncState, syncRuns, qualityReports, factorIC, scores, scoreWeights, backtestRuns, backtestTrades,
        apiKeys, auditLog, dataGenerations, alerts, alertSilences, schemaMigrations,
    ]

    public static func table(named name: String) -> TableSchema? {
        tables.first { $0.name == name }
    }
}
