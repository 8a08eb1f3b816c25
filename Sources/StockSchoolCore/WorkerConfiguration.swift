import Foundation

/// What `stockschool worker` is told (`worker.*`): when the daily jobs run, how failed units are
/// retried, how long a unit's claim lasts without a heartbeat, and where the batch metrics are
/// served.
public struct WorkerConfiguration: Sendable, Equatable {
    /// The sync job's schedule (Asia/Shanghai): 18:30 on weekdays, after Tushare publishes the
    /// day's data. `nil` ("off") leaves the job to `worker enqueue` or `worker --once`.
    public var syncSchedule: CronSchedule? = Self.defaultSyncSchedule
    /// The factors job's schedule (factors → evaluation → scores → quality): 19:30 on weekdays,
    /// an hour after the sync, which is ample for a day's units.
    public var factorsSchedule: CronSchedule? = Self.defaultFactorsSchedule
    /// Where `GET /metrics` listens. Loopback by default, like the API; a Prometheus in another
    /// container needs `0.0.0.0`.
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9091
    /// Times a failed unit is tried again before its job fails.
    public var retries = 3
    /// Seconds between a unit's failure and its next try (a Tushare outage or a locked table
    /// usually passes within a minute).
    public var retryDelay = 60
    /// Seconds a claimed unit stays claimed without a heartbeat. A killed worker's unit is taken
    /// over by another this long after its last heartbeat; heartbeats come every third of it.
    public var leaseSeconds = 60
    /// Seconds between looks for work, for leadership and for due schedules: how long a new
    /// leader takes to appear after the old one dies, and an idle worker to notice a queued unit.
    public var pollSeconds = 5

    public static let defaultSyncSchedule = try? CronSchedule("30 18 * * 1-5")
    public static let defaultFactorsSchedule = try? CronSchedule("30 19 * * 1-5")

    public init() {}
}

extension StockSchoolConfiguration {
    static let workerKeys: [Key] = [
        Key(path: "worker.sync_schedule", environment: ["STOCKSCHOOL_WORKER_SYNC_SCHEDULE"]) { c, v in
            c.worker.syncSchedule = try schedule(v)
        },
        Key(path: "worker.factors_schedule", environment: ["STOCKSCHOOL_WORKER_FACTORS_SCHEDULE"]) { c, v in
            c.worker.factorsSchedule = try schedule(v)
        },
        Key(path: "worker.metrics_host", environment: ["STOCKSCHOOL_WORKER_METRICS_HOST"]) { c, v in
            c.worker.metricsHost = try nonEmpty(v)
        },
        Key(path: "worker.metrics_port", environment: ["STOCKSCHOOL_WORKER_METRICS_PORT"]) { c, v in
            c.worker.metricsPort = try integer(v, in: 0...65_535)
        },
        Key(path: "worker.retries", environment: ["STOCKSCHOOL_WORKER_RETRIES"]) { c, v in
            c.worker.retries = try integer(v, in: 0...100)
        },
        Key(path: "worker.retry_delay", environment: ["STOCKSCHOOL_WORKER_RETRY_DELAY"]) { c, v in
            c.worker.retryDelay = try integer(v, in: 0...86_400)
        },
        Key(path: "worker.lease_seconds", environment: ["STOCKSCHOOL_WORKER_LEASE_SECONDS"]) { c, v in
            c.worker.leaseSeconds = try integer(v, in: 2...86_400)
        },
        Key(path: "worker.poll_seconds", environment: ["STOCKSCHOOL_WORKER_POLL_SECONDS"]) { c, v in
            c.worker.pollSeconds = try integer(v, in: 1...3_600)
        },
    ]

    /// A cron expression, or `off` (or empty) for no schedule.
    private static func schedule(_ value: String) throws(ValueError) -> CronSchedule? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == "off" { return nil }
        do {
            return try CronSchedule(text)
        } catch {
            throw ValueError(reason: "invalid cron expression '\(text)': \(error.description)")
        }
    }
}
