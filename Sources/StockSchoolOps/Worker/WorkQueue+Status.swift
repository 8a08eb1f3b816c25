import StockSchoolCore
import StockSchoolStore

/// A run of a job as `worker status` shows it.
public struct WorkerJobRecord: Sendable, Equatable, Encodable {
    public let id: Int64
    public let job: String
    public let scheduledFor: String
    public let status: String
    public let enqueuedBy: String
    public let createdAt: String?
    public let startedAt: String?
    public let finishedAt: String?
    public let attempts: Int
    public let error: String?

    /// Seconds from the first claim to the end, once ended.
    public var duration: Double? {
        guard let start = startedAt.flatMap(Timestamp.init(iso8601:)),
            let end = finishedAt.flatMap(Timestamp.init(iso8601:))
        else { return nil }
        return end.secondsSinceEpoch - start.secondsSinceEpoch
    }
}

/// A unit as `worker status` shows it.
public struct WorkerUnitRecord: Sendable, Equatable, Encodable {
    public let id: Int64
    public let jobID: Int64
    public let name: String
    public let stage: Int
    public let status: String
    public let attempts: Int
    public let claimedBy: String?
    public let heartbeatAt: String?
    public let leaseExpiresAt: String?
    public let startedAt: String?
    public let finishedAt: String?
    public let detail: String?
    public let error: String?
}

/// One claim of a unit and how it ended.
public struct WorkerUnitRunRecord: Sendable, Equatable, Encodable {
    public let id: Int64
    public let unitID: Int64
    public let jobID: Int64
    public let attempt: Int
    public let worker: String
    public let startedAt: String?
    public let finishedAt: String?
    /// `succeeded`, `failed`, `released`, `lost`, `abandoned`; nil while running.
    public let outcome: String?
    public let message: String?
}

/// The figures the worker's `/metrics` exports, read from the store so that every worker of a
/// fleet reports the same history, and a restarted worker still knows when a job last
/// succeeded.
public struct WorkerMetricsSnapshot: Sendable, Equatable {
    /// Job → when its last successful run ended (seconds since the epoch).
    public var lastSuccess: [String: Double] = [:]
    /// Job → its last ended run's duration, first claim to end, in seconds.
    public var lastDuration: [String: Double] = [:]
    /// Job → outcome (`succeeded`, `failed`) → runs ended so.
    public var runs: [String: [String: Int]] = [:]
    /// Unit status (`queued`, `running`) → units in it now.
    public var units: [String: Int] = [:]

    public init() {}
}

extension WorkQueue {
    public func recentJobs(limit: Int = 10, job: String? = nil) async throws -> [WorkerJobRecord] {
        let ts: (String) -> String = { store.timestampText($0) }
        let filter = job.map { _ in " WHERE job = ?" } ?? ""
        let rows = try await store.query(
            SQLStatement(
                "SELECT id, job, \(ts("scheduled_for")), status, enqueued_by, \(ts("created_at")), \(ts("started_at")), \(ts("finished_at")), attempts, error FROM worker_jobs\(filter) ORDER BY id DESC LIMIT \(max(1, limit))",
                job.map { [.text($0)] } ?? []))
        return rows.compactMap(Self.jobRecord)
    }

    public func jobRecord(id: Int64) async throws -> WorkerJobRecord? {
        let ts: (String) -> String = { store.timestampText($0) }
        let rows = try await store.query(
            SQLStatement(
                "SELECT id, job, \(ts("scheduled_for")), status, enqueued_by, \(ts("created_at")), \(ts("started_at")), \(ts("finished_at")), attempts, error FROM worker_jobs WHERE id = ?",
                [.integer(id)]))
        return rows.first.flatMap(Self.jobRecord)
    }

    static func jobRecord(_ row: [SQLValue]) -> WorkerJobRecord? {
        guard row.count == 10, let id = row[0].int, let job = row[1].string, let status = row[3].string else {
            return nil
        }
        return WorkerJobRecord(
            id: id, job: job, scheduledFor: row[2].string ?? "", status: status, enqueuedBy: row[4].string ?? "",
            createdAt: row[5].string, startedAt: row[6].string, finishedAt: row[7].string,
            attempts: Int(row[8].int ?? 0), error: row[9].string)
    }

    /// The units of the given jobs, by job, stage and id.
    public func units(jobs: [Int64]) async throws -> [WorkerUnitRecord] {
        guard !jobs.isEmpty else { return [] }
        let ts: (String) -> String = { store.timestampText($0) }
        let marks = Array(repeating: "?", count: jobs.count).joined(separator: ", ")
        let rows = try await store.query(
            SQLStatement(
                "SELECT id, job_id, name, stage, status, attempts, claimed_by, \(ts("heartbeat_at")), \(ts("lease_expires_at")), \(ts("started_at")), \(ts("finished_at")), detail, error FROM worker_units WHERE job_id IN (\(marks)) ORDER BY job_id, stage, id",
                jobs.map { .integer($0) }))
        return rows.compactMap { row in
            guard row.count == 13, let id = row[0].int, let job = row[1].int, let name = row[2].string,
                let status = row[4].string
            else { return nil }
            return WorkerUnitRecord(
                id: id, jobID: job, name: name, stage: Int(row[3].int ?? 0), status: status,
                attempts: Int(row[5].int ?? 0), claimedBy: row[6].string, heartbeatAt: row[7].string,
                leaseExpiresAt: row[8].string, startedAt: row[9].string, finishedAt: row[10].string,
                detail: row[11].string, error: row[12].string)
        }
    }

    /// Every claim of the given jobs' units, oldest first.
    public func runs(jobs: [Int64]) async throws -> [WorkerUnitRunRecord] {
        guard !jobs.isEmpty else { return [] }
        let ts: (String) -> String = { store.timestampText($0) }
        let marks = Array(repeating: "?", count: jobs.count).joined(separator: ", ")
        let rows = try await store.query(
            SQLStatement(
                "SELECT id, unit_id, job_id, attempt, worker, \(ts("started_at")), \(ts("finished_at")), outcome, message FROM worker_unit_runs WHERE job_id IN (\(marks)) ORDER BY id",
                jobs.map { .integer($0) }))
        return rows.compactMap { row in
            guard row.count == 9, let id = row[0].int, let unit = row[1].int, let job = row[2].int,
                let worker = row[4].string
            else { return nil }
            return WorkerUnitRunRecord(
                id: id, unitID: unit, jobID: job, attempt: Int(row[3].int ?? 0), worker: worker,
                startedAt: row[5].string,
                finishedAt: row[6].string, outcome: row[7].string, message: row[8].string)
        }
    }

    public func metricsSnapshot() async throws -> WorkerMetricsSnapshot {
        var snapshot = WorkerMetricsSnapshot()
        let ts: (String) -> String = { store.timestampText($0) }
        for row in try await store.query(
            SQLStatement(
                "SELECT job, status, count(*) FROM worker_jobs WHERE status IN ('succeeded', 'failed') GROUP BY job, status"
            ))
        {
            guard row.count == 3, let job = row[0].string, let status = row[1].string, let count = row[2].int else {
                continue
            }
            snapshot.runs[job, default: [:]][status] = Int(count)
        }
        for row in try await store.query(
            SQLStatement(
                "SELECT job, \(ts("max(finished_at)")) FROM worker_jobs WHERE status = 'succeeded' GROUP BY job"))
        {
            guard row.count == 2, let job = row[0].string,
                let last = row[1].string.flatMap(Timestamp.init(iso8601:))
            else { continue }
            snapshot.lastSuccess[job] = last.secondsSinceEpoch
        }
        // Each job's most recent ended run: the newest few ended rows hold one of each job.
        for row in try await store.query(
            SQLStatement(
                "SELECT job, \(ts("started_at")), \(ts("finished_at")) FROM worker_jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 50"
            ))
        {
            guard row.count == 3, let job = row[0].string, snapshot.lastDuration[job] == nil,
                let start = row[1].string.flatMap(Timestamp.init(iso8601:)),
                let end = row[2].string.flatMap(Timestamp.init(iso8601:))
            else { continue }
            snapshot.lastDuration[job] = max(0, end.secondsSinceEpoch - start.secondsSinceEpoch)
        }
        for row in try await store.query(
            SQLStatement(
                "SELECT status, count(*) FROM worker_units WHERE status IN ('queued', 'running') GROUP BY status"))
        {
            guard row.count == 2, let status = row[0].string, let count = row[1].int else { continue }
            snapshot.units[status] = Int(count)
        }
        return snapshot
    }
}
