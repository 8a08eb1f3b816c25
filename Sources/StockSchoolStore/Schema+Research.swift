/// Research results: the only derived data StockSchool persists, because it is served or audited
/// (ARCHITECTURE.md, "derived data is computed, not hoarded").
extension Schema {
    /// One row per factor, return convention, horizon and date: that date's cross-sectional IC and
    /// RankIC. The latest evaluation of a factor name wins. No timestamps: re-evaluating the same
    /// data writes the same rows, so a repeated daily run changes nothing.
    public static let factorIC = TableSchema(
        name: "factor_ic",
        columns: [
            Column("factor", .text, nullable: false),
            Column("convention", .text, nullable: false),
            Column("horizon", .integer, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("ic", .double),
            Column("rank_ic", .double),
            Column("n", .integer, nullable: false),
            Column("excluded", .integer, nullable: false),
        ],
        primaryKey: ["factor", "convention", "horizon", "trade_date"], dateColumn: "trade_date")

    /// The `trade_date` index `factor_ic` had from migration 2 until migration 7 dropped it:
    /// nothing reads ICs by date across factors (the API and scores read by factor, along the
    /// key), while keeping it up cost two thirds of storing an Alpha158 evaluation's 2.2M rows.
    static let factorICTradeDateIndex = "CREATE INDEX IF NOT EXISTS idx_factor_ic_trade_date ON factor_ic (trade_date)"

    /// One row per score model, date and stock: the composite score (0–100), the composite
    /// z-score it maps, and the ranks overall and within the stock's industry (1 = best).
    public static let scores = TableSchema(
        name: "scores",
        columns: [
            Column("score_name", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("ts_code", .text, nullable: false),
            Column("score", .double, nullable: false),
            Column("composite", .double, nullable: false),
            Column("rank", .integer, nullable: false),
            Column("industry", .text),
            Column("industry_rank", .integer),
        ],
        primaryKey: ["score_name", "trade_date", "ts_code"], indexes: [["ts_code", "trade_date"]],
        codeColumn: "ts_code", dateColumn: "trade_date")

    /// The weights a score model used on each date, with the realised IC statistics behind them,
    /// so every score can be traced to its inputs.
    public static let scoreWeights = TableSchema(
        name: "score_weights",
        columns: [
            Column("score_name", .text, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("factor", .text, nullable: false),
            Column("weight", .double, nullable: false),
            Column("ic_mean", .double),
            Column("ic_std", .double),
            Column("ic_count", .integer, nullable: false),
            Column("method", .text, nullable: false),
        ],
        primaryKey: ["score_name", "trade_date", "factor"], dateColumn: "trade_date")

    /// One row per backtest: what was asked (JSON parameters), how it ended, the metrics and the
    /// daily NAV (JSON), so the API can serve a run without recomputing it.
    public static let backtestRuns = TableSchema(
        name: "backtest_runs",
        columns: [
            Column("name", .text, nullable: false),
            Column("status", .text, nullable: false),
            Column("created_at", .timestamp, nullable: false),
            Column("finished_at", .timestamp),
            Column("start_date", .date, nullable: false),
            Column("end_date", .date, nullable: false),
            Column("parameters", .text, nullable: false),
            Column("metrics", .text),
            Column("nav", .text),
            Column("message", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["created_at"]])

    /// Every order a backtest placed, filled or rejected, with the reason for a rejection; `seq`
    /// is the order's place in the run (sells before buys each day).
    public static let backtestTrades = TableSchema(
        name: "backtest_trades",
        columns: [
            Column("run_id", .integer, nullable: false),
            Column("seq", .integer, nullable: false),
            Column("trade_date", .date, nullable: false),
            Column("ts_code", .text, nullable: false),
            Column("side", .text, nullable: false),
            Column("shares", .double, nullable: false),
            Column("price", .double),
            Column("amount", .double, nullable: false),
            Column("commission", .double, nullable: false),
            Column("stamp_duty", .double, nullable: false),
            Column("status", .text, nullable: false),
            Column("reason", .text),
        ],
        primaryKey: ["run_id", "seq"], codeColumn: "ts_code", dateColumn: "trade_date")
}
