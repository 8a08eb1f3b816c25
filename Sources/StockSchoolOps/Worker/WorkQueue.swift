import StockSchoolCore
import StockSchoolStore

/// The worker's queue, kept in the store's `worker_jobs`, `worker_units` and `worker_unit_runs`.
///
/// On PostgreSQL any number of workers share it: a claim is one `UPDATE … WHERE id = (SELECT …
/// FOR UPDATE SKIP LOCKED)`, so two workers never take the same unit and neither waits on the
/// other's lock. On SQLite the same statements run without `SKIP LOCKED` (SQLite has no row
/// locks: every write holds the database's one write lock, which serialises claims just as
/// well); SQLite is meant for one worker on the machine that holds the file.
///
/// Times that decide leases and retries are the database's clock (`now()`), not the workers':
/// workers on several hosts then agree on when a lease has expired whatever their clocks say.
public struct WorkQueue: Sendable {
    public let store: any MarketStore
    /// Claims a unit gets before its job fails: the first try and `worker.retries` more.
    public var maxAttempts: Int
    public var leaseSeconds: Int
    public var retryDelay: Int

    public init(store: any MarketStore, maxAttempts: Int, leaseSeconds: Int, retryDelay: Int) {
        self.store = store
        self.maxAttempts = max(1, maxAttempts)
        self.leaseSeconds = max(1, leaseSeconds)
        self.retryDelay = max(0, retryDelay)
    }

    public init(store: any MarketStore, configuration: WorkerConfiguration) {
        self.init(
            store: store, maxAttempts: configuration.retries + 1, leaseSeconds: configuration.leaseSeconds,
            retryDelay: configuration.retryDelay)
    }

    // MARK: SQL pieces

    /// The database's current time, in the form the timestamp columns hold. SQLite keeps
    /// timestamps as ISO-8601 text: one fixed-width form (milliseconds, `…:05.123Z`) for every
    /// time the queue compares makes text order time order.
    var now: String { now(plus: 0) }

    func now(plus seconds: Int) -> String {
        switch store.dialect {
        case .postgres: seconds == 0 ? "now()" : "(now() + interval '\(seconds) seconds')"
        case .sqlite:
            seconds == 0
                ? "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+\(seconds) seconds')"
        }
    }

    /// Whole seconds, so that SQLite's text comparison orders `scheduled_for` like time.
    static func wholeSeconds(_ stamp: Timestamp) -> Timestamp {
        Timestamp(secondsSinceEpoch: stamp.secondsSinceEpoch.rounded(.down))
    }

    /// Brings jobs in line with their units, in the transaction that changed the units: a job
    /// with a failed unit fails (and its queued units are cancelled: they would work on
    /// incomplete data); a job whose units all succeeded succeeds. Conditional updates, so of
    /// two workers finishing a job's last units exactly one records the job's end.
    func settle(job: Int64?) -> [SQLStatement] {
        let only = job.map { _ in " AND id = ?" } ?? ""
        let binds: [SQLValue] = job.map { [.integer($0)] } ?? []
        return [
            SQLStatement(
                "UPDATE worker_jobs SET status = 'failed', finished_at = \(now), error = (SELECT u.name || ': ' || COALESCE(u.error, 'failed') FROM worker_units u WHERE u.job_id = worker_jobs.id AND u.status = 'failed' ORDER BY u.id LIMIT 1) WHERE status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM worker_units u WHERE u.job_id = worker_jobs.id AND u.status = 'failed')\(only)",
                binds),
            SQLStatement(
                "UPDATE worker_units SET status = 'cancelled', finished_at = \(now) WHERE status = 'queued' AND job_id IN (SELECT id FROM worker_jobs WHERE status = 'failed')"
                    + (job.map { _ in " AND job_id = ?" } ?? ""), binds),
            SQLStatement(
                "UPDATE worker_jobs SET status = 'succeeded', finished_at = \(now), error = NULL WHERE status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM worker_units u WHERE u.job_id = worker_jobs.id) AND NOT EXISTS (SELECT 1 FROM worker_units u WHERE u.job_id = worker_jobs.id AND u.status <> 'succeeded')\(only)",
                binds),
        ]
    }

    // MARK: enqueue

    /// Enqueues a run of `job` for `scheduledFor` with its units, unless that run exists
    /// already (the key is (job, scheduled_for)), in one transaction. Returns the run's id and
    /// whether this call created it.
    @discardableResult
    public func enqueue(
        _ job: WorkerJob, scheduledFor: Timestamp, units: [WorkerJob.PlannedUnit], params: String, by worker: String
    ) async throws -> (id: Int64, created: Bool) {
        let scheduled = store.timestampValue(Self.wholeSeconds(scheduledFor))
        let find = SQLStatement(
            "SELECT id FROM worker_jobs WHERE job = ? AND scheduled_for = ?", [.text(job.rawValue), scheduled])
        if let existing = try await store.query(find).first?.first?.int { return (existing, false) }
        var statements = [
            SQLStatement(
                "INSERT INTO worker_jobs (job, scheduled_for, status, params, enqueued_by, created_at, attempts) VALUES (?, ?, 'queued', ?, ?, \(now), 0) ON CONFLICT (job, scheduled_for) DO NOTHING",
                [.text(job.rawValue), scheduled, .text(params), .text(worker)])
        ]
        // Units join their job by its key, each only if the job lacks it: a run another
        // scheduler enqueued a moment earlier gets no second set.
        for unit in units {
            statements.append(
                SQLStatement(
                    "INSERT INTO worker_units (job_id, name, stage, params, status, attempts, available_at) SELECT j.id, ?, CAST(? AS BIGINT), ?, 'queued', 0, \(now) FROM worker_jobs j WHERE j.job = ? AND j.scheduled_for = ? AND NOT EXISTS (SELECT 1 FROM worker_units u WHERE u.job_id = j.id AND u.name = ?)",
                    [
                        .text(unit.name), .integer(Int64(unit.stage)), .text(unit.params.json), .text(job.rawValue),
                        scheduled, .text(unit.name),
                    ]))
        }
        try await store.execute(atomically: statements)
        guard let id = try await store.query(find).first?.first?.int else {
            throw WorkflowError("enqueueing \(job) for \(scheduledFor) stored no job row")
        }
        return (id, true)
    }

    // MARK: claim

    /// Claims the next runnable unit — of `job` only, when given — for `worker`: a queued unit
    /// whose retry delay has passed, or a running one whose lease expired (its worker died),
    /// with every unit of the job's earlier stages succeeded, and every run scheduled before
    /// its job ended — the 19:30 factors run waits for a sync that is still going (or that a
    /// new leader enqueued late), instead of scoring yesterday's data. Nil when there is none.
    public func claim(worker: String, job: Int64? = nil) async throws -> ClaimedUnit? {
        let skipLocked = store.dialect == .postgres ? " FOR UPDATE OF u SKIP LOCKED" : ""
        let onlyJob = job.map { _ in " AND u.job_id = ?" } ?? ""
        var binds: [SQLValue] = [.text(worker)]
        if let job { binds.append(.integer(job)) }
        binds.append(.integer(Int64(maxAttempts)))
        let sql = """
            UPDATE worker_units SET status = 'running', claimed_by = ?, claimed_at = \(now), heartbeat_at = \(now), \
            lease_expires_at = \(now(plus: leaseSeconds)), attempts = attempts + 1, started_at = COALESCE(started_at, \(now)) \
            WHERE id = (SELECT u.id FROM worker_units u JOIN worker_jobs j ON j.id = u.job_id \
            WHERE j.status IN ('queued', 'running')\(onlyJob) \
            AND ((u.status = 'queued' AND u.available_at <= \(now)) OR (u.status = 'running' AND u.lease_expires_at < \(now))) \
            AND u.attempts < ? \
            AND NOT EXISTS (SELECT 1 FROM worker_units p WHERE p.job_id = u.job_id AND p.stage < u.stage AND p.status <> 'succeeded') \
            AND NOT EXISTS (SELECT 1 FROM worker_jobs e WHERE e.status IN ('queued', 'running') \
            AND (e.scheduled_for < j.scheduled_for OR (e.scheduled_for = j.scheduled_for AND e.id < j.id))) \
            ORDER BY u.job_id, u.stage, u.id LIMIT 1\(skipLocked)) \
            RETURNING id, job_id, name, stage, params, attempts
            """
        let row: [SQLValue]
        let runID: Int64
        if store.dialect == .postgres {
            // The claim and its history row in one statement: a worker killed right after
            // claiming still leaves the run that the next claim marks `abandoned`.
            let atomic = """
                WITH claimed AS (\(sql)), \
                run AS (INSERT INTO worker_unit_runs (unit_id, job_id, attempt, worker, started_at) \
                SELECT id, job_id, attempts, ?, \(now) FROM claimed RETURNING id, unit_id) \
                SELECT c.id, c.job_id, c.name, c.stage, c.params, c.attempts, r.id FROM claimed c JOIN run r ON r.unit_id = c.id
                """
            guard let found = try await store.query(SQLStatement(atomic, binds + [.text(worker)])).first,
                found.count == 7, let id = found[6].int
            else { return nil }
            row = Array(found.prefix(6))
            runID = id
        } else {
            // SQLite runs one worker (docs/operations.md); its claim and history row are two
            // statements.
            guard let found = try await store.query(SQLStatement(sql, binds)).first, found.count == 6,
                let unitID = found[0].int
            else { return nil }
            let run = try await store.query(
                SQLStatement(
                    "INSERT INTO worker_unit_runs (unit_id, job_id, attempt, worker, started_at) VALUES (?, ?, ?, ?, \(now)) RETURNING id",
                    [.integer(unitID), found[1], found[5], .text(worker)]))
            guard let id = run.first?.first?.int else {
                throw WorkflowError("recording the claim of unit \(unitID) returned no id")
            }
            row = found
            runID = id
        }
        guard let id = row[0].int, let jobID = row[1].int, let name = row[2].string, let stage = row[3].int,
            let params = row[4].string, let attempt = row[5].int
        else { return nil }
        let jobName =
            try await store.query(SQLStatement("SELECT job FROM worker_jobs WHERE id = ?", [.integer(jobID)]))
            .first?.first?.string ?? "?"
        try await store.execute(atomically: [
            // The runs of earlier claims that never reported (their worker was killed).
            SQLStatement(
                "UPDATE worker_unit_runs SET outcome = 'abandoned', finished_at = \(now) WHERE unit_id = ? AND outcome IS NULL AND id <> ?",
                [.integer(id), .integer(runID)]),
            SQLStatement(
                "UPDATE worker_jobs SET status = CASE WHEN status = 'queued' THEN 'running' ELSE status END, started_at = COALESCE(started_at, \(now)), attempts = attempts + 1 WHERE id = ?",
                [.integer(jobID)]),
        ])
        return ClaimedUnit(
            id: id, jobID: jobID, job: jobName, name: name, stage: Int(stage), params: params, attempt: Int(attempt),
            worker: worker, runID: runID)
    }

    /// The fence every write about a claimed unit carries.
    func held(_ unit: ClaimedUnit, status: String = "running", attempt: Int? = nil) -> (String, [SQLValue]) {
        (
            "id = ? AND claimed_by = ? AND attempts = ? AND status = '\(status)'",
            [.integer(unit.id), .text(unit.worker), .integer(Int64(attempt ?? unit.attempt))]
        )
    }

    // MARK: while running

    /// Extends the unit's lease. False when the claim is no longer this worker's (the lease ran
    /// out and another worker took the unit): the caller must stop working on it.
    public func heartbeat(_ unit: ClaimedUnit) async throws -> Bool {
        let (fence, binds) = held(unit)
        let rows = try await store.query(
            SQLStatement(
                "UPDATE worker_units SET heartbeat_at = \(now), lease_expires_at = \(now(plus: leaseSeconds)) WHERE \(fence) RETURNING id",
                binds))
        return !rows.isEmpty
    }

    // MARK: ending a claim

    /// How a claim ended, as recorded.
    public enum Ending: String, Sendable, Equatable {
        case succeeded
        /// Failed; the unit is queued again after the retry delay.
        case retrying
        /// Failed on its last try; the job failed with it.
        case failed
        case released
        /// The claim had passed to another worker: nothing this worker did was recorded.
        case lost
    }

    /// Records the unit done. Exactly one claim of a unit can do so.
    public func complete(_ unit: ClaimedUnit, detail: String) async throws -> Ending {
        let (fence, binds) = held(unit)
        let (done, doneBinds) = held(unit, status: "succeeded")
        return try await end(
            unit,
            [
                SQLStatement(
                    "UPDATE worker_units SET status = 'succeeded', finished_at = \(now), lease_expires_at = NULL, detail = ?, error = NULL WHERE \(fence)",
                    [.text(detail)] + binds),
                SQLStatement(
                    "UPDATE worker_unit_runs SET outcome = CASE WHEN EXISTS (SELECT 1 FROM worker_units WHERE \(done)) THEN 'succeeded' ELSE 'lost' END, finished_at = \(now), message = ? WHERE id = ?",
                    doneBinds + [.text(detail), .integer(unit.runID)]),
            ], won: .succeeded)
    }

    /// Records a failure: the unit is queued again after the retry delay, or, on its last try,
    /// fails and fails its job.
    public func fail(_ unit: ClaimedUnit, error: String) async throws -> Ending {
        let message = String(error.prefix(2000))
        let (fence, binds) = held(unit)
        let retry = unit.attempt < maxAttempts
        let change =
            retry
            ? "status = 'queued', lease_expires_at = NULL, available_at = \(now(plus: retryDelay)), error = ?"
            : "status = 'failed', finished_at = \(now), lease_expires_at = NULL, error = ?"
        let (after, afterBinds) = held(unit, status: retry ? "queued" : "failed")
        return try await end(
            unit,
            [
                SQLStatement("UPDATE worker_units SET \(change) WHERE \(fence)", [.text(message)] + binds),
                SQLStatement(
                    "UPDATE worker_unit_runs SET outcome = CASE WHEN EXISTS (SELECT 1 FROM worker_units WHERE \(after)) THEN 'failed' ELSE 'lost' END, finished_at = \(now), message = ? WHERE id = ?",
                    afterBinds + [.text(message), .integer(unit.runID)]),
            ], won: retry ? .retrying : .failed)
    }

    /// Gives the unit back unfinished (the worker is shutting down): queued again at once, and
    /// the claim does not count as a try.
    public func release(_ unit: ClaimedUnit) async throws -> Ending {
        let (fence, binds) = held(unit)
        let (after, afterBinds) = held(unit, status: "queued", attempt: unit.attempt - 1)
        return try await end(
            unit,
            [
                SQLStatement(
                    "UPDATE worker_units SET status = 'queued', attempts = attempts - 1, lease_expires_at = NULL, available_at = \(now) WHERE \(fence)",
                    binds),
                SQLStatement(
                    "UPDATE worker_unit_runs SET outcome = CASE WHEN EXISTS (SELECT 1 FROM worker_units WHERE \(after)) THEN 'released' ELSE 'lost' END, finished_at = \(now), message = 'released at shutdown' WHERE id = ?",
                    afterBinds + [.integer(unit.runID)]),
            ], won: .released)
    }

    /// Runs the statements that end a claim with the job's settlement, in one transaction, and
    /// reads back from the run row whether the claim still held.
    private func end(_ unit: ClaimedUnit, _ statements: [SQLStatement], won: Ending) async throws -> Ending {
        try await store.execute(atomically: statements + settle(job: unit.jobID))
        let outcome = try await store.query(
            SQLStatement("SELECT outcome FROM worker_unit_runs WHERE id = ?", [.integer(unit.runID)])
        ).first?.first?.string
        return outcome == "lost" ? .lost : won
    }

    // MARK: housekeeping

    /// Fails the units whose lease expired on their last try (nobody may claim them again) and
    /// settles their jobs. Any worker may run it; the leader does, every poll.
    public func reapExpired() async throws {
        try await store.execute(
            atomically: [
                SQLStatement(
                    "UPDATE worker_units SET status = 'failed', finished_at = \(now), lease_expires_at = NULL, error = 'the worker running its last try stopped heartbeating (killed or hung)' WHERE status = 'running' AND lease_expires_at < \(now) AND attempts >= ?",
                    [.integer(Int64(maxAttempts))]),
                SQLStatement(
                    "UPDATE worker_unit_runs SET outcome = 'abandoned', finished_at = \(now) WHERE outcome IS NULL AND unit_id IN (SELECT id FROM worker_units WHERE status <> 'running')"
                ),
            ] + settle(job: nil))
    }
}
