import StockSchoolCore
import StockSchoolStore

/// Measures what the alert rules test: runs the health and performance checks and names their
/// figures as signals. A figure that could not be measured yields no signal (its rules neither
/// fire nor resolve on a guess), except the `*_up` signals, which exist to say "unreachable".
public struct SignalCollector: Sendable {
    public var configuration: StockSchoolConfiguration
    public var apiURL: String?
    /// The CPU and API-rate measuring interval of the performance check.
    public var interval: Duration = .seconds(1)

    public init(configuration: StockSchoolConfiguration, apiURL: String?) {
        self.configuration = configuration
        self.apiURL = apiURL
    }

    public struct Collected: Sendable {
        public var signals: [Signal]
        public var health: HealthReport
        public var perf: PerfReport
    }

    public func collect(now: Timestamp = .now) async -> Collected {
        let health = await HealthChecker(configuration: configuration, apiURL: apiURL).run(now: now)
        var perfChecker = PerfChecker(configuration: configuration, apiURL: apiURL)
        perfChecker.interval = interval
        let perf = await perfChecker.run(now: now)
        return Collected(signals: Self.signals(health: health, perf: perf), health: health, perf: perf)
    }

    public static func signals(health: HealthReport, perf: PerfReport) -> [Signal] {
        var signals: [Signal] = []
        if let database = health.check("database") {
            signals.append(Signal("database_up", database.level == .critical ? 0 : 1))
            if let latency = database.latencyMS {
                signals.append(Signal("network_latency_ms", latency, labels: ["target": "database"]))
            }
        }
        if let cache = health.check("cache"), cache.message.hasPrefix("Redis") {
            signals.append(Signal("cache_up", cache.level == .ok ? 1 : 0))
            if let latency = cache.latencyMS {
                signals.append(Signal("network_latency_ms", latency, labels: ["target": "cache"]))
            }
            if let percent = cache.values["used_percent"] { signals.append(Signal("redis_memory_percent", percent)) }
        }
        if let api = health.check("api") { signals.append(Signal("api_up", api.level == .critical ? 0 : 1)) }
        for check in health.checks where check.name.hasPrefix("disk:") {
            if let percent = check.values["used_percent"] {
                signals.append(Signal("disk_usage_percent", percent, labels: ["path": String(check.name.dropFirst(5))]))
            }
        }
        if let errors = health.check("logs")?.values["errors"] { signals.append(Signal("log_errors", errors)) }
        for dataset in health.sync?.datasets ?? [] {
            if let lag = dataset.lagHours {
                signals.append(Signal("sync_delay_hours", lag, labels: ["dataset": dataset.dataset]))
            }
            if let quality = dataset.quality {
                signals.append(Signal("data_quality", quality, labels: ["dataset": dataset.dataset]))
            }
        }
        if let rate = health.check("factors")?.values["failure_rate"] {
            signals.append(Signal("factor_failure_rate", rate))
        }
        if let backup = health.check("backup") {
            // No backup at all is the stalest backup there is.
            signals.append(Signal("backup_age_hours", backup.values["age_hours"] ?? .infinity))
        }
        if let cpu = perf.check("cpu")?.values["used_percent"] { signals.append(Signal("cpu_usage_percent", cpu)) }
        if let memory = perf.check("memory")?.values["used_percent"] {
            signals.append(Signal("memory_usage_percent", memory))
        }
        if let api = perf.check("api"), (api.values["requests"] ?? 0) > 0 {
            if let p95 = api.values["p95_seconds"] { signals.append(Signal("api_p95_seconds", p95)) }
            if let rate = api.values["error_rate"] { signals.append(Signal("api_error_rate", rate)) }
        }
        if let connections = perf.check("database")?.values["connections"] {
            signals.append(Signal("database_connections", connections))
        }
        return signals
    }
}
