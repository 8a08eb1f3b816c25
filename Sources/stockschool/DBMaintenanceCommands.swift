import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore

struct DBMaintainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintain",
        abstract: "Routine upkeep: ANALYZE, VACUUM, REINDEX (all three when none is chosen).",
        discussion: """
            The manual's 定期维护 on either backend. PostgreSQL: ANALYZE; VACUUM; REINDEX
            DATABASE <current database> (needs its owner), each outside a transaction.
            SQLite: ANALYZE, VACUUM, REINDEX, and PRAGMA integrity_check. VACUUM and
            REINDEX lock tables while they run; schedule them outside sync and serving
            hours.

            --audit-logging (PostgreSQL, superuser) applies the manual's 启用审计日志:
              ALTER SYSTEM SET log_statement = 'all';
              ALTER SYSTEM SET log_min_duration_statement = 1000;
              SELECT pg_reload_conf();
            --no-audit-logging resets both to the server's defaults. Either runs alone
            unless a maintenance task is also named.

            Examples:
              stockschool db maintain
              stockschool db maintain --analyze
              stockschool db maintain --audit-logging --store postgres://postgres@db/stockschool
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Update the planner's statistics (ANALYZE).") var analyze = false
    @Flag(
        help:
            "Reclaim dead rows' space (VACUUM). SQLite: also moves a file with pages under 16 KiB to 16 KiB when no other process has it open."
    )
    var vacuum = false
    @Flag(help: "Rebuild every index (REINDEX).") var reindex = false

    @Flag(
        inversion: .prefixedNo,
        help: "PostgreSQL: turn the manual's statement audit logging on (or off with --no-audit-logging).")
    var auditLogging: Bool?

    func run() async throws {
        let configuration = try global.configuration()
        var tasks: [DatabaseMaintenance.Task] = []
        if analyze { tasks.append(.analyze) }
        if vacuum { tasks.append(.vacuum) }
        if reindex { tasks.append(.reindex) }
        if tasks.isEmpty && auditLogging == nil { tasks = DatabaseMaintenance.Task.allCases }
        let (steps, settings) = try await withStore(configuration) { store in
            _ = try await requireSchema(store)
            var settings: [(String, String)]? = nil
            if let auditLogging { settings = try await PostgresSecurity(store).auditLogging(enable: auditLogging) }
            let steps = try await DatabaseMaintenance(store).run(tasks)
            return (steps, settings)
        }
        let integrityFailed = steps.contains { $0.task == "integrity-check" && $0.result != "ok" }
        if global.json {
            struct Result: Encodable {
                let steps: [DatabaseMaintenance.Step]
                let audit_logging: [String: String]?
            }
            try Output.json(
                Result(
                    steps: steps, audit_logging: settings.map { Dictionary($0, uniquingKeysWith: { _, new in new }) }))
        } else {
            if let settings {
                print("Audit logging \(auditLogging == true ? "on" : "reset"); configuration reloaded.")
                for (name, value) in settings { print("  \(name) = \(value)") }
                if settings.isEmpty { print("  (server defaults)") }
            }
            if !steps.isEmpty {
                Output.table(
                    ["task", "statement", "seconds", "result"],
                    steps.map { [$0.task, $0.sql, String(format: "%.2f", $0.seconds), $0.result] })
            }
        }
        if integrityFailed { throw CommandFailure(description: "PRAGMA integrity_check found problems (above)") }
    }
}

struct DBBloatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bloat",
        abstract: "Table and index sizes, largest first (the manual's 检查表膨胀).",
        discussion: """
            PostgreSQL: pg_total_relation_size, pg_relation_size and pg_indexes_size of
            every table in the current schema, with live and dead rows (dead rows are what
            VACUUM reclaims). SQLite: page sizes from dbstat, and the free pages VACUUM
            would return.

            Examples:
              stockschool db bloat
              stockschool db bloat --json | jq '.tables[0]'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let (sizes, free) = try await withStore(configuration) { store in
            let maintenance = DatabaseMaintenance(store)
            return (try await maintenance.sizes(), try await maintenance.freeBytes())
        }
        if global.json {
            struct Result: Encodable {
                let tables: [DatabaseMaintenance.RelationSize]
                let free_bytes: Int64?
            }
            try Output.json(Result(tables: sizes, free_bytes: free))
            return
        }
        Output.table(
            ["table", "total", "table", "indexes", "live rows", "dead rows", "dead %"],
            sizes.map { size in
                let dead = size.deadRows ?? 0
                let all = (size.liveRows ?? 0) + dead
                return [
                    size.table, byteSize(size.totalBytes), byteSize(size.tableBytes), byteSize(size.indexBytes),
                    size.liveRows.map { Output.grouped(Int($0)) } ?? "",
                    size.deadRows.map { Output.grouped(Int($0)) } ?? "",
                    all > 0 ? String(format: "%.1f", Double(dead) * 100 / Double(all)) : "",
                ]
            })
        if let free { print("\nFree pages (VACUUM reclaims): \(byteSize(free))") }
    }
}

struct DBSlowQueriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slow-queries",
        abstract: "PostgreSQL: the slowest statements by mean time (pg_stat_statements).",
        discussion: """
            The manual's 查找慢查询, for this database, with PostgreSQL 13+'s column names
            (mean_exec_time, total_exec_time). Needs the pg_stat_statements extension:
            shared_preload_libraries = 'pg_stat_statements' and CREATE EXTENSION
            pg_stat_statements.

            Examples:
              stockschool db slow-queries
              stockschool db slow-queries --min-ms 200 --limit 20
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("min-ms"), help: ArgumentHelp("Mean time at least this (ms).", valueName: "ms"))
    var minimumMilliseconds: Double = 1000

    @Option(help: ArgumentHelp("How many statements.", valueName: "n")) var limit = 10

    func validate() throws {
        guard minimumMilliseconds >= 0 else { throw ValidationError("--min-ms must be ≥ 0") }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1–1000, got \(limit)") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let queries = try await withStore(configuration) { store in
            try await DatabaseMaintenance(store).slowQueries(minimumMilliseconds: minimumMilliseconds, limit: limit)
        }
        if global.json {
            struct Result: Encodable { let queries: [DatabaseMaintenance.SlowQuery] }
            try Output.json(Result(queries: queries))
            return
        }
        guard !queries.isEmpty else {
            print("No statement averages \(Int(minimumMilliseconds)) ms or more.")
            return
        }
        Output.table(
            ["mean ms", "calls", "total ms", "rows", "query"],
            queries.map {
                [
                    String(format: "%.1f", $0.meanMilliseconds), Output.grouped(Int($0.calls)),
                    String(format: "%.0f", $0.totalMilliseconds), Output.grouped(Int($0.rows)), oneLine($0.query, 80),
                ]
            })
    }
}

struct DBConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "PostgreSQL: client connections by state, and each one (pg_stat_activity).",
        discussion: """
            Examples:
              stockschool db connections
              stockschool db connections --json | jq '.connections[] | select(.state == "idle")'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let result = try await withStore(configuration) { store in try await DatabaseMaintenance(store).connections() }
        if global.json {
            try Output.json(result)
            return
        }
        let byState = Dictionary(grouping: result.connections, by: { $0.state ?? "unknown" }).mapValues(\.count)
        print(
            "\(result.connections.count) of \(result.maximum) connections: "
                + byState.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + "\n")
        Output.table(
            ["pid", "user", "database", "application", "client", "state", "for", "query"],
            result.connections.map {
                [
                    String($0.pid) + ($0.isSelf ? "*" : ""), $0.user ?? "", $0.database ?? "", $0.application ?? "",
                    $0.client ?? "local", $0.state ?? "", $0.stateSeconds.map(durationText) ?? "",
                    oneLine($0.query ?? "", 50),
                ]
            })
        print("\n* this command's own connection")
    }
}

struct DBTerminateIdleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate-idle",
        abstract: "PostgreSQL: end connections idle longer than a duration (the manual's 终止空闲连接).",
        discussion: """
            Terminates client connections whose state is 'idle' (not 'idle in
            transaction', not active) and has been for longer than --older-than, in this
            database unless --all-databases. Never its own connection. --dry-run lists
            them only. Needs a superuser or pg_signal_backend membership for other users'
            connections.

            Examples:
              stockschool db terminate-idle --older-than 5m --dry-run
              stockschool db terminate-idle --older-than 5m
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Idle at least this long: 30s, 5m, 1h.", valueName: "duration"))
    var olderThan: String = "5m"

    @Flag(help: "Every database on the server, not only the store's.") var allDatabases = false
    @Flag(help: "List what would be terminated; terminate nothing.") var dryRun = false

    func validate() throws {
        guard let duration = AlertDuration.parse(olderThan), duration > .zero else {
            throw ValidationError("--older-than must be a duration such as 30s, 5m or 1h, got '\(olderThan)'")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let seconds = Double(AlertDuration.parse(olderThan)?.components.seconds ?? 300)
        let ended = try await withStore(configuration) { store in
            try await DatabaseMaintenance(store).terminateIdle(
                olderThan: seconds, allDatabases: allDatabases, dryRun: dryRun)
        }
        if global.json {
            struct Result: Encodable {
                let dry_run: Bool
                let connections: [DatabaseMaintenance.Terminated]
            }
            try Output.json(Result(dry_run: dryRun, connections: ended))
            return
        }
        guard !ended.isEmpty else {
            print("No connection idle longer than \(olderThan).")
            return
        }
        Output.table(
            ["pid", "user", "database", "application", "idle", dryRun ? "would terminate" : "terminated"],
            ended.map {
                [
                    String($0.pid), $0.user ?? "", $0.database ?? "", $0.application ?? "",
                    durationText($0.idleSeconds),
                    dryRun ? "yes" : ($0.terminated ? "yes" : "no (not permitted)"),
                ]
            })
    }
}

/// `1536` → `1.5 KB`, as pg_size_pretty prints (1024-based).
func byteSize(_ count: Int64) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB"]
    var value = Double(count)
    var unit = 0
    while value >= 10 * 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(count) bytes" : "\(Int(value.rounded())) \(units[unit])"
}

func durationText(_ value: Double) -> String {
    let whole = Int(value.rounded(.down))
    if whole < 60 { return "\(whole)s" }
    if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
    return "\(whole / 3600)h\(whole / 60 % 60)m"
}

func oneLine(_ text: String, _ width: Int) -> String {
    let flat = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
}
