/// One measured figure an alert rule can test: `sync_delay_hours{dataset="daily"} = 3.5`.
/// Signals are what the health and performance checks measured, named for the rules.
public struct Signal: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(_ name: String, _ value: Double, labels: [String: String] = [:]) {
        self.name = name
        self.value = value
        self.labels = labels
    }

    /// The signals StockSchool measures, for rule validation and `alerts rules --signals`.
    public static let known: [String: String] = [
        "cpu_usage_percent": "CPU busy share, percent (/proc/stat over the perf interval)",
        "memory_usage_percent": "memory in use, percent ((MemTotal − MemAvailable) / MemTotal)",
        "disk_usage_percent": "use of the filesystem holding data_dir or backup.dir, percent; label path",
        "network_latency_ms": "round trip to a dependency's host, ms; label target (database, cache)",
        "database_up": "1 when the store answers SELECT 1, else 0",
        "cache_up": "1 when Redis answers PING (only with redis.url), else 0",
        "api_up": "1 when GET /api/health answers 200, else 0",
        "api_p95_seconds": "95th percentile API latency, seconds (from /metrics)",
        "api_error_rate": "share of API responses that are 5xx (from /metrics)",
        "database_connections": "PostgreSQL connections (rows of pg_stat_activity)",
        "redis_memory_percent": "Redis used_memory over maxmemory, percent (only when maxmemory is set)",
        "sync_delay_hours": "hours a dataset is behind its expected latest trade date; label dataset",
        "data_quality": "latest data quality score, 0–1; label dataset",
        "factor_failure_rate": "failed over attempted factor and score calculations",
        "backup_age_hours": "age of the newest backup, hours (infinite when there is none)",
        "log_errors": "error lines in log.dir/*.log in the last 24 h",
    ]
}
