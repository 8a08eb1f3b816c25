/// What the alert engine keeps: every alert it raised (its history), and silences.
extension Schema {
    /// One row per alert episode: from the first evaluation its condition held (`pending`)
    /// through `firing` to `resolved`. At most one unresolved row per fingerprint (a partial
    /// unique index, see `alertsActiveIndex`), which is what deduplicates alerts across the
    /// processes that evaluate rules (`serve` replicas, workers, `alerts check`).
    public static let alerts = TableSchema(
        name: "alerts",
        columns: [
            Column("fingerprint", .text, nullable: false),
            Column("alertname", .text, nullable: false),
            Column("level", .text, nullable: false),
            Column("status", .text, nullable: false),
            Column("labels", .text, nullable: false),
            Column("summary", .text, nullable: false),
            Column("description", .text, nullable: false),
            Column("value", .double),
            Column("starts_at", .timestamp, nullable: false),
            Column("ends_at", .timestamp),
            Column("updated_at", .timestamp, nullable: false),
            Column("last_notified_at", .timestamp),
            Column("notifications", .integer, nullable: false),
            Column("silenced", .boolean, nullable: false),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["fingerprint"], ["status"], ["starts_at"]])

    /// The partial unique index behind deduplication: two evaluators racing to raise the same
    /// alert insert one row, the other's insert does nothing.
    public static let alertsActiveIndex =
        "CREATE UNIQUE INDEX IF NOT EXISTS alerts_active_fingerprint ON alerts (fingerprint) WHERE status IN ('pending', 'firing')"

    /// `stockschool alerts silence --match k=v … --for 2h`: alerts whose labels match every
    /// matcher are not notified until `ends_at`.
    public static let alertSilences = TableSchema(
        name: "alert_silences",
        columns: [
            Column("matchers", .text, nullable: false),
            Column("starts_at", .timestamp, nullable: false),
            Column("ends_at", .timestamp, nullable: false),
            Column("created_by", .text, nullable: false),
            Column("comment", .text, nullable: false),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["ends_at"]])
}
