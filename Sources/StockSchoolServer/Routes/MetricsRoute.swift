import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolSync

/// `GET /metrics`: Prometheus text format 0.0.4. Request metrics come from the registry; cache,
/// business and process figures are read now, so a scrape always sees current values.
///
/// The store's figures are read under `ServerSettings.dependencyCheckTimeout`, and not at all
/// when it does not answer `SELECT 1` in time: a database that hangs must show as
/// `stockschool_dependency_up{dependency="database"} 0` (the `DependencyDown` rule), not as a
/// scrape that times out (which reads as the API itself being down).
enum MetricsRoute {
    static let route = APIRoute(
        .get, "/metrics", summary: "Prometheus metrics (text format 0.0.4).", tag: "operations", access: .open
    ) { call in
        var bytes: [UInt8] = []
        call.services.metrics.registry.emit(into: &bytes)
        var text = PrometheusText()
        writeCache(call.services.cache.statistics, into: &text)
        call.services.storeMetrics.write(into: &text)
        let database = await pingDatabase(call.services)
        let figures = database == nil ? StoreFigures() : await StoreFigures.read(call.services)
        writeBusiness(figures, into: &text)
        await writeDependencies(call.services, databaseLatency: database, connections: figures.connections, into: &text)
        writeAlerts(call.services.alertMetrics, into: &text)
        ProcessMetrics.write(into: &text)
        bytes.append(contentsOf: text.text.utf8)
        return Reply(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: bytes)
    }

    static func writeCache(_ statistics: CacheStatistics, into text: inout PrometheusText) {
        let backend = [("backend", statistics.backend)]
        text.family(
            "stockschool_cache_hits_total", .counter, help: "Responses served from the cache.",
            [(backend, Double(statistics.hits))])
        text.family(
            "stockschool_cache_misses_total", .counter, help: "Cacheable responses not found in the cache.",
            [(backend, Double(statistics.misses))])
        text.family(
            "stockschool_cache_errors_total", .counter,
            help: "Cache operations that failed (the request was served from the store).",
            [(backend, Double(statistics.errors))])
        text.family(
            "stockschool_cache_outages_total", .counter, help: "Times the cache backend became unreachable.",
            [(backend, Double(statistics.outages))])
    }

    /// The round trip of `SELECT 1`, or nil when the store failed or did not answer in time.
    static func pingDatabase(_ services: APIServices) async -> Duration? {
        try? await DatabaseProbe.ping(services.store, within: services.settings.dependencyCheckTimeout)
    }

    /// The store's figures a scrape reports, read together under one deadline (so a scrape
    /// asks the store for at most two limits' time); empty where the store did not answer.
    struct StoreFigures: Sendable {
        var status: SyncStatus?
        var runs: [[SQLValue]]?
        var generations: [DataGeneration: DataGenerationState]?
        /// PostgreSQL's connection count (rows of `pg_stat_activity`).
        var connections: Double?

        static func read(_ services: APIServices) async -> StoreFigures {
            let store = services.store
            let read = try? await withDeadline(services.settings.dependencyCheckTimeout, "the database") {
                StoreFigures(
                    status: try? await SyncStatus.load(store: store),
                    runs: try? await store.query(
                        SQLStatement(
                            "SELECT (SELECT max(\(store.timestampText("finished_at"))) FROM sync_runs WHERE status = 'succeeded'), (SELECT count(*) FROM sync_runs WHERE status = 'failed')"
                        )),
                    generations: try? await store.generations(),
                    connections: store.dialect == .postgres
                        ? try? await store.query(SQLStatement("SELECT count(*) FROM pg_stat_activity")).first?.first?
                            .doubleValue : nil)
            }
            return read ?? StoreFigures()
        }
    }

    /// The gauges the alert rules read: sync lag and quality per dataset, the last successful
    /// sync, sync failures, the last factor calculation and factor failures. Without the
    /// database they have no samples.
    static func writeBusiness(_ figures: StoreFigures, into text: inout PrometheusText) {
        let status = figures.status
        text.family(
            "stockschool_sync_lag_seconds", .gauge,
            help: "Time since each dataset's expected latest trade date became due without it being synced.",
            (status?.datasets ?? []).compactMap { d in d.lagHours.map { ([("dataset", d.dataset)], $0 * 3600) } })
        text.family(
            "stockschool_data_quality_score", .gauge, help: "Latest data quality score per dataset (0–1).",
            (status?.datasets ?? []).compactMap { d in d.quality.map { ([("dataset", d.dataset)], $0) } })
        let runs = figures.runs
        let lastSuccess = runs?.first?.first?.string.flatMap { Timestamp(iso8601: $0) }?.secondsSinceEpoch
        text.family(
            "stockschool_last_sync_success_timestamp_seconds", .gauge,
            help: "When the last successful sync run finished, since the Unix epoch.", value: lastSuccess)
        text.family(
            "stockschool_sync_failures_total", .counter, help: "Sync runs that failed.",
            value: runs?.first?.last?.doubleValue ?? 0)
        let generations = figures.generations
        let factorTimes = [generations?[.factors]?.updatedAt, generations?[.scores]?.updatedAt].compactMap { $0 }
        text.family(
            "stockschool_last_factor_calculation_timestamp_seconds", .gauge,
            help: "When factors were last computed and stored (evaluation or score refresh), since the Unix epoch.",
            value: factorTimes.max()?.secondsSinceEpoch)
        let failures = Double((generations?[.factors]?.failures ?? 0) + (generations?[.scores]?.failures ?? 0))
        text.family(
            "stockschool_factor_calculation_failures_total", .counter, help: "Factor calculations that failed.",
            value: failures)
        // Every stored evaluation or score refresh bumped a generation; failed ones bumped nothing.
        let succeeded = Double((generations?[.factors]?.generation ?? 0) + (generations?[.scores]?.generation ?? 0))
        text.family(
            "stockschool_factor_calculations_total", .counter,
            help: "Factor calculations attempted (evaluations stored and score refreshes, failed or not).",
            value: succeeded + failures)
    }

    /// Whether the database and the shared cache answer, and how fast: the manual's network
    /// latency threshold (100 ms) and database connections (80) read these.
    static func writeDependencies(
        _ services: APIServices, databaseLatency: Duration?, connections: Double?, into text: inout PrometheusText
    ) async {
        var up: [(labels: [(String, String)], value: Double)] = []
        var latency: [(labels: [(String, String)], value: Double)] = []
        up.append(([("dependency", "database")], databaseLatency == nil ? 0 : 1))
        if let databaseLatency { latency.append(([("dependency", "database")], databaseLatency.seconds)) }
        var redisMemory: CacheProbe.Memory?
        if let redis = services.cache as? RedisCache {
            do {
                let roundTrip = try await redis.ping()
                up.append(([("dependency", "cache")], 1))
                latency.append(([("dependency", "cache")], roundTrip.seconds))
                redisMemory = try? await CacheProbe.Memory.parse(info: redis.client.info("memory"))
            } catch {
                up.append(([("dependency", "cache")], 0))
            }
        }
        text.family("stockschool_dependency_up", .gauge, help: "1 when the dependency answers, else 0.", up)
        text.family(
            "stockschool_dependency_latency_seconds", .gauge,
            help: "Round trip of a ping to the dependency at scrape time (SELECT 1, PING).", latency)
        if services.store.dialect == .postgres {
            text.family(
                "stockschool_database_connections", .gauge,
                help: "PostgreSQL connections (rows of pg_stat_activity), as the manual counts them.",
                value: connections)
        }
        if let redisMemory {
            text.family(
                "stockschool_redis_memory_used_bytes", .gauge, help: "Redis used_memory.", value: redisMemory.usedBytes)
            text.family(
                "stockschool_redis_memory_max_bytes", .gauge, help: "Redis maxmemory (0: no limit).",
                value: redisMemory.maxBytes)
        }
    }

    static func writeAlerts(_ metrics: AlertMetrics, into text: inout PrometheusText) {
        let firing = metrics.firing
        text.family(
            "stockschool_alerts_firing", .gauge, help: "Alerts firing after this process's last evaluation, per level.",
            [OpsLevel.critical, .warning, .info].map { ([("level", $0.rawValue)], Double(firing[$0] ?? 0)) })
        var samples: [(labels: [(String, String)], value: Double)] = []
        for (channel, outcomes) in metrics.notifications.sorted(by: { $0.key < $1.key }) {
            for outcome in ["sent", "failed"] {
                samples.append(([("channel", channel), ("outcome", outcome)], Double(outcomes[outcome] ?? 0)))
            }
        }
        text.family(
            "stockschool_alert_notifications_total", .counter,
            help: "Alert notifications by channel and outcome (sent, failed).", samples)
    }
}
