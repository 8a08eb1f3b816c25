import StockSchoolCore

/// The market database, on SQLite or PostgreSQL. Backends supply the primitive operations — a
/// general parameterised query, an atomic statement list, and the two bulk paths (upsert and
/// panel read) — and everything else (migrations, reads, stats, run bookkeeping) is written once
/// on top of them, so the two backends cannot drift apart.
public protocol MarketStore: Sendable {
    var dialect: SQLDialect { get }
    /// The store's URL with any password masked, for messages and logs.
    var displayURL: String { get }

    /// Runs one statement (placeholders `?`) and returns its rows.
    @discardableResult
    func query(_ statement: SQLStatement) async throws -> [[SQLValue]]

    /// Runs the statements in one transaction: all of them or none.
    func execute(atomically statements: [SQLStatement]) async throws

    /// Inserts or replaces `rows` by natural key and writes the unit's `checkpoints` and quality
    /// `reports` in the same transaction. Every value is validated first; one bad value rejects
    /// the whole call and writes nothing.
    func upsert<R: StoreRecord>(_ rows: [R], checkpoints: [SyncCheckpoint], reports: [QualityReport]) async throws

    /// Inserts or replaces two kinds of rows in one transaction (a score table and the weights
    /// behind it): both or neither.
    func upsert<R: StoreRecord, S: StoreRecord>(_ rows: [R], together others: [S]) async throws

    /// Loads a panel (stocks × dates × fields), NaN where there is no row.
    func panel(_ request: PanelRequest) async throws -> PanelFrame

    /// Releases connections. The store must not be used afterwards.
    func close() async throws
}

extension MarketStore {
    public func upsert<R: StoreRecord>(_ rows: [R]) async throws {
        try await upsert(rows, checkpoints: [], reports: [])
    }

    public func upsert<R: StoreRecord>(_ rows: [R], checkpoints: [SyncCheckpoint]) async throws {
        try await upsert(rows, checkpoints: checkpoints, reports: [])
    }

    /// Applies every migration not yet applied, each in its own transaction with its
    /// `schema_migrations` row. Returns the versions applied now (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await query(SQLStatement(Schema.schemaMigrations.createStatements(dialect)[0]))
        let applied = try await appliedMigrations()
        if let newest = applied.max(), newest > Migration.latestVersion {
            throw StockSchoolError.migrationFailed(
                version: newest,
                reason:
                    "the store was migrated by a newer StockSchool (schema version \(newest), this build knows \(Migration.latestVersion)); upgrade StockSchool"
            )
        }
        var done: [Int] = []
        for migration in Migration.all where !applied.contains(migration.version) {
            var statements = migration.statements(dialect).map { SQLStatement($0) }
            statements.append(
                SQLStatement(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(migration.version)), .text(migration.name), timestampValue(.now)]))
            do {
                try await execute(atomically: statements)
            } catch let error as StockSchoolError {
                throw error
            } catch {
                // A concurrent migrator may have applied it first; that is success.
                if try await appliedMigrations().contains(migration.version) { continue }
                throw StockSchoolError.migrationFailed(version: migration.version, reason: "\(error)")
            }
            done.append(migration.version)
        }
        return done
    }

    /// Applied migration versions; empty for a store never initialised.
    public func appliedMigrations() async throws -> [Int] {
        guard try await tableExists("schema_migrations") else { return [] }
        return try await query(SQLStatement("SELECT version FROM schema_migrations ORDER BY version"))
            .compactMap { $0.first?.int.map(Int.init) }
    }

    public func tableExists(_ name: String) async throws -> Bool {
        let sql =
            switch dialect {
            case .sqlite: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
            case .postgres:
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
            }
        return try await query(SQLStatement(sql, [.text(name)])).first?.first?.int ?? 0 > 0
    }

    /// Reads records of `R` from `SELECT <columns> FROM <table> <tail>`: the caller writes the
    /// conditions and order (`WHERE score_name = ? ORDER BY rank LIMIT 50`).
    public func records<R: StoreRecord>(_ type: R.Type, where tail: String, _ binds: [SQLValue]) async throws -> [R] {
        let schema = R.schema
        return try await query(SQLStatement("SELECT \(selectList(schema)) FROM \(schema.name) \(tail)", binds)).map {
            row in
            var decoder = SQLValueRowDecoder(row, table: schema.name)
            return try R(from: &decoder)
        }
    }

    /// Reads records of `R` matching `filter`, in primary-key order.
    public func read<R: StoreRecord>(_ type: R.Type, _ filter: RecordFilter = .all) async throws -> [R] {
        let schema = R.schema
        let (whereSQL, binds) = try filter.whereClause(for: schema)
        let sql =
            "SELECT \(selectList(schema)) FROM \(schema.name)\(whereSQL) ORDER BY \(schema.primaryKey.joined(separator: ", "))"
        return try await query(SQLStatement(sql, binds)).map { row in
            var decoder = SQLValueRowDecoder(row, table: schema.name)
            return try R(from: &decoder)
        }
    }

    /// Column list that reads timestamps as text on PostgreSQL, the form the decoder parses.
    func selectList(_ schema: TableSchema) -> String {
        schema.columns.map { column in
            column.type == .timestamp && dialect == .postgres
                ? "\(timestampText(column.name)) AS \(column.name)" : column.name
        }.joined(separator: ", ")
    }

    /// A timestamp column as ISO-8601 text in UTC (SQLite already stores it so).
    public func timestampText(_ column: String) -> String {
        switch dialect {
        case .sqlite: column
        case .postgres: "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        }
    }

    /// A timestamp as a bind value for either backend (both accept ISO-8601 text).
    public func timestampValue(_ stamp: Timestamp) -> SQLValue { .text(stamp.iso8601) }

    /// Rows and date coverage of every table.
    public func stats() async throws -> [TableStats] {
        var result: [TableStats] = []
        for schema in Schema.tables {
            var select = "count(*)"
            if let date = schema.dateColumn {
                select += ", min(\(date)), max(\(date)), count(DISTINCT \(date))"
            }
            let row = try await query(SQLStatement("SELECT \(select) FROM \(schema.name)")).first ?? []
            let rows = row.first?.int ?? 0
            var stats = TableStats(table: schema.name, rows: Int(rows))
            if schema.dateColumn != nil, row.count == 4 {
                stats.firstDate = row[1].int.map { TradeDate(unchecked: Int32($0)) }
                stats.lastDate = row[2].int.map { TradeDate(unchecked: Int32($0)) }
                stats.dates = row[3].int.map(Int.init)
            }
            result.append(stats)
        }
        return result
    }

    // MARK: Sync bookkeeping

    /// Records the start of a sync run and returns its id.
    public func startSyncRun(source: String, datasets: [String], at start: Timestamp = .now) async throws -> Int64 {
        let rows = try await query(
            SQLStatement(
                "INSERT INTO sync_runs (source, datasets, started_at, status, calls, retries, rows, errors) VALUES (?, ?, ?, 'running', 0, 0, 0, 0) RETURNING id",
                [.text(source), .text(datasets.joined(separator: ",")), timestampValue(start)]))
        guard let id = rows.first?.first?.int else {
            throw StockSchoolError.storeUnavailable(url: displayURL, reason: "sync_runs insert returned no id")
        }
        return id
    }

    /// Records how a run ended.
    public func finishSyncRun(_ run: SyncRunOutcome, at end: Timestamp = .now) async throws {
        try await query(
            SQLStatement(
                "UPDATE sync_runs SET finished_at = ?, status = ?, calls = ?, retries = ?, rows = ?, errors = ?, skipped = ?, message = ? WHERE id = ?",
                [
                    timestampValue(end), .text(run.status.rawValue), .integer(Int64(run.calls)),
                    .integer(Int64(run.retries)), .integer(Int64(run.rows)), .integer(Int64(run.errors)),
                    run.skipped.isEmpty ? .null : .text(run.skipped.joined(separator: ",")),
                    run.message.map { .text($0) } ?? .null, .integer(run.id),
                ]))
        try await bumpGeneration(.sync)
    }

    /// Dates already committed for (`source`, `dataset`).
    public func completedDates(source: String, dataset: String) async throws -> Set<TradeDate> {
        let rows = try await query(
            SQLStatement(
                "SELECT trade_date FROM sync_state WHERE source = ? AND dataset = ?", [.text(source), .text(dataset)]))
        return Set(rows.compactMap { $0.first?.int.map { TradeDate(unchecked: Int32($0)) } })
    }
}

extension Timestamp {
    /// The current wall-clock instant.
    public static var now: Timestamp {
        Timestamp(secondsSinceEpoch: WallClock.seconds())
    }
}
