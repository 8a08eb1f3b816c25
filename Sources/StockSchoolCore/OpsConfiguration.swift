/// What running StockSchool needs to know beyond the data: where logs and backups live, the
/// health check's limits, and where the alert rules are.
public struct OpsConfiguration: Sendable, Equatable {
    /// Where `serve` and `worker` write their logs (`stockschool-serve.log`, …); the manual's
    /// `grep -i "error…" logs/*.log` reads them, and so does `stockschool health`.
    public var logDirectory = "./logs"
    /// Where backups are written (the manual's `backups/`), apart from the data directory so that
    /// replacing or losing one does not touch the other.
    public var backupDirectory = "./backups"
    /// Retention for `backup prune`: the newest backup of each of this many most recent days,
    /// ISO weeks and months that have backups.
    public var backupKeepDaily = 7
    public var backupKeepWeekly = 4
    public var backupKeepMonthly = 6
    /// `pg_dump --compress` level for PostgreSQL backups (0–9). 0: on a small machine the
    /// compression, not the disk, is what makes a large dump slow (BENCHMARKS.md).
    public var backupCompressionLevel = 0
    /// The API the health check probes; `nil` is `http://<server.host>:<server.port>`.
    public var healthAPIURL: String? = nil
    /// Disk use (percent) above which the health check warns: the manual's daily check (`df -h |
    /// awk '$5 > 80'`); above the critical figure (the manual's alert threshold, 85) it is critical.
    public var diskWarningPercent = 80.0
    public var diskCriticalPercent = 85.0
    /// The newest backup may be this old before the health check warns: a daily backup plus
    /// two hours of slack.
    public var backupMaxAgeHours = 26.0
    /// The alert rules file; `nil` uses the rules StockSchool ships (the manual's thresholds,
    /// `stockschool alerts rules` prints them as YAML to start a file from).
    public var alertRulesFile: String? = nil
    /// Seconds between alert evaluations in `serve` and `worker`.
    public var alertInterval = 60

    public init() {}

}

extension StockSchoolConfiguration {
    static let opsKeys: [Key] = [
        Key(path: "log.dir", environment: ["STOCKSCHOOL_LOG_DIR"]) { c, v in
            c.ops.logDirectory = try nonEmpty(v)
        },
        Key(path: "backup.dir", environment: ["STOCKSCHOOL_BACKUP_DIR"]) { c, v in
            c.ops.backupDirectory = try nonEmpty(v)
        },
        Key(path: "backup.keep_daily", environment: ["STOCKSCHOOL_BACKUP_KEEP_DAILY"]) { c, v in
            c.ops.backupKeepDaily = try integer(v, in: 0...3660)
        },
        Key(path: "backup.keep_weekly", environment: ["STOCKSCHOOL_BACKUP_KEEP_WEEKLY"]) { c, v in
            c.ops.backupKeepWeekly = try integer(v, in: 0...520)
        },
        Key(path: "backup.keep_monthly", environment: ["STOCKSCHOOL_BACKUP_KEEP_MONTHLY"]) { c, v in
            c.ops.backupKeepMonthly = try integer(v, in: 0...1200)
        },
        Key(path: "backup.compression_level", environment: ["STOCKSCHOOL_BACKUP_COMPRESSION_LEVEL"]) { c, v in
            c.ops.backupCompressionLevel = try integer(v, in: 0...9)
        },
        Key(path: "health.api_url", environment: ["STOCKSCHOOL_HEALTH_API_URL"]) { c, v in
            guard v.isEmpty || v.hasPrefix("http://") || v.hasPrefix("https://") else {
                throw ValueError(reason: "expected an http:// or https:// URL, got '\(v)'")
            }
            c.ops.healthAPIURL = v.isEmpty ? nil : v
        },
        Key(path: "health.disk_warning_percent", environment: ["STOCKSCHOOL_HEALTH_DISK_WARNING_PERCENT"]) { c, v in
            c.ops.diskWarningPercent = try percent(v)
        },
        Key(path: "health.disk_critical_percent", environment: ["STOCKSCHOOL_HEALTH_DISK_CRITICAL_PERCENT"]) {
            c, v in
            c.ops.diskCriticalPercent = try percent(v)
        },
        Key(path: "health.backup_max_age_hours", environment: ["STOCKSCHOOL_HEALTH_BACKUP_MAX_AGE_HOURS"]) { c, v in
            guard let hours = Double(v), hours > 0, hours.isFinite else {
                throw ValueError(reason: "expected a positive number of hours, got '\(v)'")
            }
            c.ops.backupMaxAgeHours = hours
        },
        Key(path: "alerts.rules_file", environment: ["STOCKSCHOOL_ALERTS_RULES_FILE"]) { c, v in
            c.ops.alertRulesFile = v.isEmpty ? nil : v
        },
        Key(path: "alerts.interval", environment: ["STOCKSCHOOL_ALERTS_INTERVAL"]) { c, v in
            c.ops.alertInterval = try integer(v, in: 5...86_400)
        },
    ]

    private static func percent(_ value: String) throws(ValueError) -> Double {
        guard let number = Double(value), (0...100).contains(number) else {
            throw ValueError(reason: "expected a percentage between 0 and 100, got '\(value)'")
        }
        return number
    }
}
