import StockSchoolCore

/// When the leader enqueues the scheduled jobs: each job's cron schedule, and the catch-up rule
/// for fire times nobody was leading at.
public struct WorkerSchedule: Sendable, Equatable {
    public var entries: [Entry]

    public struct Entry: Sendable, Equatable {
        public let job: WorkerJob
        public let cron: CronSchedule

        public init(job: WorkerJob, cron: CronSchedule) {
            self.job = job
            self.cron = cron
        }
    }

    /// How far back a new leader looks for a fire time it missed — all workers were down at
    /// 18:30, or the leader died just then. A day's sync run late is still the day's sync;
    /// beyond half a day the next fire time is nearer than the missed one.
    public static let catchUpSeconds = 12.0 * 3600

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public init(_ configuration: WorkerConfiguration) {
        entries = [
            configuration.syncSchedule.map { Entry(job: .sync, cron: $0) },
            configuration.factorsSchedule.map { Entry(job: .factors, cron: $0) },
        ].compactMap { $0 }
    }

    /// For each job, its latest fire time in (`after`, `now`], if any: what to enqueue now. Only
    /// the latest: a worker back after a week runs one sync, which fetches the whole week.
    public func due(after: Timestamp, now: Timestamp) -> [(job: WorkerJob, at: Timestamp)] {
        entries.compactMap { entry in
            entry.cron.fireTimes(after: after, through: now, limit: 100_000).last.map { (entry.job, $0) }
        }
    }

    /// Each job's next fire time after `now`, for the log.
    public func next(after now: Timestamp) -> [(job: WorkerJob, at: Timestamp)] {
        entries.compactMap { entry in entry.cron.next(after: now).map { (entry.job, $0) } }
    }
}
