/// What the HTTP API keeps: its keys, the audit trail of every write, and the generation
/// counters that tell every API replica when cached responses went stale.
extension Schema {
    /// One row per API key. Only the SHA-256 of the secret is stored, so a leaked database does
    /// not leak working keys; `prefix` (the secret's first characters) lets people tell keys apart.
    public static let apiKeys = TableSchema(
        name: "api_keys",
        columns: [
            Column("name", .text, nullable: false),
            Column("role", .text, nullable: false),
            Column("key_hash", .text, nullable: false),
            Column("prefix", .text, nullable: false),
            Column("created_at", .timestamp, nullable: false),
            Column("revoked_at", .timestamp),
            Column("last_used_at", .timestamp),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["key_hash"], ["name"]])

    /// One row per write request (POST/PUT/DELETE): who, what, how it ended. `details` holds the
    /// request summary with secrets masked.
    public static let auditLog = TableSchema(
        name: "audit_log",
        columns: [
            Column("at", .timestamp, nullable: false),
            Column("key_name", .text),
            Column("role", .text),
            Column("method", .text, nullable: false),
            Column("route", .text, nullable: false),
            Column("path", .text, nullable: false),
            Column("status", .integer, nullable: false),
            Column("duration_ms", .double, nullable: false),
            Column("client", .text),
            Column("details", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["at"]])

    /// A counter per kind of committed data (`sync`, `factors`, `scores`, `backtests`), bumped
    /// after the commit that changes it. API replicas poll this tiny table and key their caches
    /// by it, so a commit anywhere invalidates every replica's cached responses. `updated_at` and
    /// `failures` feed the metrics the alert rules read (last factor calculation, failures).
    public static let dataGenerations = TableSchema(
        name: "data_generations",
        columns: [
            Column("name", .text, nullable: false),
            Column("generation", .integer, nullable: false),
            Column("updated_at", .timestamp),
            Column("failures", .integer, nullable: false),
        ],
        primaryKey: ["name"])
}
