import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

/// `GET /metrics`: Prometheus text format 0.0.4. Request metrics come from the registry; cache,
/// business and process figures are read now, so a scrape always sees current values.
enum MetricsRoute {
    static let route = APIRoute(
        .get, "/metrics", summary: "Prometheus metrics (text format 0.0.4).", tag: "operations", access: .open
    ) { call in
        var bytes: [UInt8] = []
        call.services.metrics.registry.emit(into: &bytes)
        var text = PrometheusText()
        writeCache(call.services.cache.statistics, into: &text)
        call.services.storeMetrics.write(into: &text)
        await writeBusiness(call.services, into: &text)
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

    /// The gauges the alert rules read: sync lag and quality per dataset, the last successful
    /// sync, sync failures, the last factor calculation and factor failures.
    static func writeBusiness(_ services: APIServices, into text: inout PrometheusText) async {
        let store = services.store
        let status = try? await SyncStatus.load(store: store)
        text.family(
            "stockschool_sync_lag_seconds", .gauge,
            help: "Time since each dataset's expected latest trade date became due without it being synced.",
            (status?.datasets ?? []).compactMap { d in d.lagHours.map { ([("dataset", d.dataset)], $0 * 3600) } })
        text.family(
            "stockschool_data_quality_score", .gauge, help: "Latest data quality score per dataset (0–1).",
            (status?.datasets ?? []).compactMap { d in d.quality.map { ([("dataset", d.dataset)], $0) } })
        let runs = try? await store.query(
            SQLStatement(
                "SELECT (SELECT max(\(store.timestampText("finished_at"))) FROM sync_runs WHERE status = 'succeeded'), (SELECT count(*) FROM sync_runs WHERE status = 'failed')"
            ))
        let lastSuccess = runs?.first?.first?.string.flatMap { Timestamp(iso8601: $0) }?.secondsSinceEpoch
        text.family(
            "stockschool_last_sync_success_timestamp_seconds", .gauge,
            help: "When the last successful sync run finished, since the Unix epoch.", value: lastSuccess)
        text.family(
            "stockschool_sync_failures_total", .counter, help: "Sync runs that failed.",
            value: runs?.first?.last?.doubleValue ?? 0)
        let generations = try? await store.generations()
        let factorTimes = [generations?[.factors]?.updatedAt, generations?[.scores]?.updatedAt].compactMap { $0 }
        text.family(
            "stockschool_last_factor_calculation_timestamp_seconds", .gauge,
            help: "When factors were last computed and stored (evaluation or score refresh), since the Unix epoch.",
            value: factorTimes.max()?.secondsSinceEpoch)
        text.family(
            "stockschool_factor_calculation_failures_total", .counter, help: "Factor calculations that failed.",
            value: Double((generations?[.factors]?.failures ?? 0) + (generations?[.scores]?.failures ?? 0)))
    }
}
