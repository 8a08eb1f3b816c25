import Foundation
import StockSchoolCore
import StockSchoolStore

/// The operations manual's database upkeep (数据库优化 · 定期维护, 查询优化, 数据库连接问题), done
/// safely on either backend: statistics, vacuum, reindex and sizes on both; slow queries,
/// connections and idle-connection termination on PostgreSQL, where they mean something.
public struct DatabaseMaintenance: Sendable {
    public let store: any MarketStore

    public init(_ store: any MarketStore) {
        self.store = store
    }

    public enum Task: String, Sendable, CaseIterable {
        case analyze, vacuum, reindex, integrityCheck = "integrity-check"
    }

    /// One maintenance statement run: what, how long, and what it reported.
    public struct Step: Sendable, Encodable {
        public let task: String
        public let sql: String
        public let seconds: Double
        public let result: String
    }

    /// Runs `tasks` in the manual's order (ANALYZE, VACUUM, REINDEX), each outside any
    /// transaction, as VACUUM and REINDEX DATABASE require on both backends.
    public func run(_ tasks: [Task]) async throws -> [Step] {
        var steps: [Step] = []
        for task in Task.allCases where tasks.contains(task) {
            let sql: String
            switch (task, store.dialect) {
            case (.analyze, _): sql = "ANALYZE"
            case (.vacuum, _): sql = "VACUUM"
            case (.reindex, .sqlite): sql = "REINDEX"
            case (.reindex, .postgres):
                let name = try await currentDatabase()
                sql = "REINDEX DATABASE \(try await quotedIdentifier(name))"
            case (.integrityCheck, .sqlite): sql = "PRAGMA integrity_check"
            case (.integrityCheck, .postgres):
                // PostgreSQL checks pages as it reads them; amcheck is an extension rarely installed.
                continue
            }
            let start = Date()
            var result = "ok"
            if store.dialect == .sqlite, let sqlite = store as? SQLiteStore, task == .vacuum {
                result = try await sqlite.vacuum()
            } else {
                let rows = try await store.query(SQLStatement(sql))
                if task == .integrityCheck {
                    result = rows.compactMap { $0.first?.string }.joined(separator: "; ")
                }
            }
            steps.append(Step(task: task.rawValue, sql: sql, seconds: Date().timeIntervalSince(start), result: result))
        }
        return steps
    }

    // MARK: Sizes

    /// One table's footprint: the manual's `db bloat` query, plus dead rows where known.
    public struct RelationSize: Sendable, Encodable {
        public let table: String
        public let totalBytes: Int64
        public let tableBytes: Int64
        public let indexBytes: Int64
        public let liveRows: Int64?
        public let deadRows: Int64?
    }

    /// Tables by total size, largest first. On SQLite, from the `dbstat` virtual table when the
    /// library has it (indexes counted with their table), else the file's page counts only.
    public func sizes() async throws -> [RelationSize] {
        switch store.dialect {
        case .postgres:
            let rows = try await store.query(
                SQLStatement(
                    """
                    SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid), \
                    s.n_live_tup, s.n_dead_tup \
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid \
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
                    ORDER BY pg_total_relation_size(c.oid) DESC, c.relname
                    """))
            return rows.compactMap { row in
                guard row.count == 6, let name = row[0].string else { return nil }
                return RelationSize(
                    table: name, totalBytes: row[1].int ?? 0, tableBytes: row[2].int ?? 0, indexBytes: row[3].int ?? 0,
                    liveRows: row[4].int, deadRows: row[5].int)
            }
        case .sqlite:
            let objects = try await store.query(
                SQLStatement(
                    "SELECT name, tbl_name, type FROM sqlite_master WHERE type IN ('table', 'index') AND NOT (type = 'table' AND name LIKE 'sqlite_%')"
                ))
            let pages: [String: Int64]
            do {
                pages = Dictionary(
                    try await store.query(SQLStatement("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).compactMap
                    {
                        row in row.first?.string.map { ($0, row.count > 1 ? row[1].int ?? 0 : 0) }
                    }, uniquingKeysWith: +)
            } catch {
                // No dbstat in this SQLite build: sizes unknown, names still listed.
                pages = [:]
            }
            var tables: [String: (table: Int64, index: Int64)] = [:]
            for row in objects {
                guard row.count == 3, let name = row[0].string, let table = row[1].string, let type = row[2].string
                else { continue }
                var entry = tables[table] ?? (0, 0)
                if type == "table" { entry.table += pages[name] ?? 0 } else { entry.index += pages[name] ?? 0 }
                tables[table] = entry
            }
            return tables.map {
                RelationSize(
                    table: $0.key, totalBytes: $0.value.table + $0.value.index, tableBytes: $0.value.table,
                    indexBytes: $0.value.index, liveRows: nil, deadRows: nil)
            }.sorted { ($0.totalBytes, $1.table) > ($1.totalBytes, $0.table) }
        }
    }

    /// SQLite's free pages (space VACUUM would return), in bytes; `nil` on PostgreSQL.
    public func freeBytes() async throws -> Int64? {
        guard store.dialect == .sqlite else { return nil }
        let free = try await store.query(SQLStatement("PRAGMA freelist_count")).first?.first?.int ?? 0
        let size = try await store.query(SQLStatement("PRAGMA page_size")).first?.first?.int ?? 0
        return free * size
    }

    // MARK: PostgreSQL only

    /// The slowest statements by mean execution time, from `pg_stat_statements`, for this
    /// database. (The manual's `mean_time`/`total_time` were renamed `mean_exec_time`/
    /// `total_exec_time` in PostgreSQL 13; the right names are chosen by server version.)
    public struct SlowQuery: Sendable, Encodable {
        public let query: String
        public let calls: Int64
        public let meanMilliseconds: Double
        public let totalMilliseconds: Double
        public let rows: Int64
    }

    public func slowQueries(minimumMilliseconds: Double, limit: Int) async throws -> [SlowQuery] {
        try requirePostgres("db slow-queries", why: "it reads pg_stat_statements")
        let installed =
            try await store.query(
                SQLStatement("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
            ).first?.first?.int ?? 0
        guard installed > 0 else {
            throw MaintenanceError(
                "pg_stat_statements is not installed in this database: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; (as a superuser) in the database"
            )
        }
        let version =
            try await store.query(SQLStatement("SELECT current_setting('server_version_num')::int"))
            .first?.first?.int ?? 0
        let (mean, total) = version >= 130_000 ? ("mean_exec_time", "total_exec_time") : ("mean_time", "total_time")
        let rows = try await store.query(
            SQLStatement(
                """
                SELECT query, calls, \(mean), \(total), rows FROM pg_stat_statements \
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND \(mean) >= ? \
                ORDER BY \(mean) DESC LIMIT ?
                """, [.double(minimumMilliseconds), .integer(Int64(limit))]))
        return rows.compactMap { row in
            guard row.count == 5 else { return nil }
            return SlowQuery(
                query: row[0].string ?? "", calls: row[1].int ?? 0, meanMilliseconds: row[2].doubleValue ?? 0,
                totalMilliseconds: row[3].doubleValue ?? 0, rows: row[4].int ?? 0)
        }
    }

    /// One client connection from `pg_stat_activity`.
    public struct Connection: Sendable, Encodable {
        public let pid: Int64
        public let user: String?
        public let database: String?
        public let application: String?
        public let client: String?
        public let state: String?
        /// Seconds since the state last changed (how long idle, for an idle connection).
        public let stateSeconds: Double?
        public let query: String?
        /// The connection this command runs on.
        public let isSelf: Bool
    }

    public struct Connections: Sendable, Encodable {
        public let maximum: Int64
        public let connections: [Connection]
    }

    /// Every client connection to the server (the manual counts `pg_stat_activity`), with the
    /// server's `max_connections`.
    public func connections() async throws -> Connections {
        try requirePostgres("db connections", why: "SQLite has no server and no connections to list")
        let maximum =
            try await store.query(SQLStatement("SELECT current_setting('max_connections')::int"))
            .first?.first?.int ?? 0
        let rows = try await store.query(
            SQLStatement(
                """
                SELECT pid, usename, datname, application_name, client_addr::text, state, \
                greatest(0, extract(epoch FROM clock_timestamp() - state_change))::float8, left(query, 200), \
                pid = pg_backend_pid() \
                FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY backend_start, pid
                """))
        return Connections(
            maximum: maximum,
            connections: rows.compactMap { row in
                guard row.count == 9, let pid = row[0].int else { return nil }
                return Connection(
                    pid: pid, user: row[1].string, database: row[2].string, application: row[3].string,
                    client: row[4].string, state: row[5].string, stateSeconds: row[6].doubleValue,
                    query: row[7].string.map(SensitiveDataMasking.maskText), isSelf: row[8].int == 1)
            })
    }

    /// A connection terminated (or, in a dry run, that would be).
    public struct Terminated: Sendable, Encodable {
        public let pid: Int64
        public let user: String?
        public let database: String?
        public let application: String?
        public let idleSeconds: Double
        public let terminated: Bool
    }

    /// Terminates client connections idle (`state = 'idle'`, not idle in a transaction) for
    /// longer than `seconds`: the manual's `pg_terminate_backend` query, made safe. It never
    /// touches its own connection, and only this database's unless `allDatabases`.
    public func terminateIdle(olderThan seconds: Double, allDatabases: Bool, dryRun: Bool) async throws -> [Terminated]
    {
        try requirePostgres("db terminate-idle", why: "SQLite has no server connections to terminate")
        let action = dryRun ? "false" : "pg_terminate_backend(pid)"
        let rows = try await store.query(
            SQLStatement(
                """
                SELECT pid, usename, datname, application_name, extract(epoch FROM now() - state_change)::float8, \
                \(action) FROM pg_stat_activity \
                WHERE state = 'idle' AND state_change < now() - make_interval(secs => ?) \
                AND pid <> pg_backend_pid() AND backend_type = 'client backend'\
                \(allDatabases ? "" : " AND datname = current_database()") ORDER BY pid
                """, [.double(seconds)]))
        return rows.compactMap { row in
            guard row.count == 6, let pid = row[0].int else { return nil }
            return Terminated(
                pid: pid, user: row[1].string, database: row[2].string, application: row[3].string,
                idleSeconds: row[4].doubleValue ?? 0, terminated: row[5].int == 1)
        }
    }

    // MARK: Helpers

    func requirePostgres(_ command: String, why: String) throws {
        guard store.dialect == .postgres else {
            throw StockSchoolError.invalidArgument(
                name: "--store",
                reason:
                    "`\(command)` is PostgreSQL only (\(why)); the store is \(store.displayURL). Use --store postgres://… or STOCKSCHOOL_DATABASE_URL"
            )
        }
    }

    func currentDatabase() async throws -> String {
        guard let name = try await store.query(SQLStatement("SELECT current_database()")).first?.first?.string else {
            throw MaintenanceError("the server did not name the current database")
        }
        return name
    }

    /// `name` quoted by the server (`quote_ident`), so no name can break out of the statement.
    func quotedIdentifier(_ name: String) async throws -> String {
        guard
            let quoted = try await store.query(SQLStatement("SELECT quote_ident(?)", [.text(name)])).first?.first?
                .string
        else { throw MaintenanceError("cannot quote the identifier \(name)") }
        return quoted
    }
}

/// A maintenance step that cannot be done, with what to do about it.
public struct MaintenanceError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
