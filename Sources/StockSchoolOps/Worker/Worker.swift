import Logging
import StockSchoolCore
import StockSchoolStore
import Synchronization

/// `stockschool worker`: runs the daily jobs' units from the store's queue, and — while it holds
/// the leader lock — enqueues the scheduled runs and evaluates the alert rules.
///
/// Every worker executes units; only the leader schedules, so a fleet enqueues each fire time
/// once (and the (job, scheduled_for) key makes that so even when leadership overlaps for a
/// moment), and measures the alert signals once. A unit is held under a lease the worker
/// renews every third of it; a worker that is killed stops renewing, and once the lease runs
/// out another worker claims the unit and runs it again from the start — every step is
/// idempotent, and the sync resumes from its per-date checkpoints.
///
/// `stop()` (SIGTERM) stops claiming; a unit still running gets `shutdownGrace` to finish and
/// is otherwise released (queued again at once, not counted as a try) before `run()` returns.
public final class Worker: Sendable {
    /// Runs a claimed unit and returns its one-line report.
    public typealias UnitBody = @Sendable (ClaimedUnit) async throws -> String
    /// One evaluation of the alert rules; returns a summary for the log.
    public typealias AlertPass = @Sendable () async throws -> String
    /// The units and job parameters of a run of a job enqueued at an instant.
    public typealias Planner = @Sendable (WorkerJob, Timestamp) -> (units: [WorkerJob.PlannedUnit], params: String)

    public struct Options: Sendable {
        /// The name in `claimed_by` and the logs; unique within a fleet.
        public var id: String
        public var schedule: WorkerSchedule
        public var pollSeconds: Int
        public var alertInterval: Int
        /// Test-only (`STOCKSCHOOL_WORKER_TEST_UNIT_DELAY_MS`): every unit waits this long
        /// before it starts, so a test can kill a worker while it holds a unit.
        public var unitDelay: Duration = .zero
        public var shutdownGrace: Duration = .seconds(5)

        public init(id: String, schedule: WorkerSchedule, pollSeconds: Int, alertInterval: Int) {
            self.id = id
            self.schedule = schedule
            self.pollSeconds = pollSeconds
            self.alertInterval = alertInterval
        }
    }

    public let options: Options
    public let queue: WorkQueue
    let lock: any LeaderLock
    let planner: Planner
    let body: UnitBody
    let alerts: AlertPass?
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var leader = false
        var stopping = false
        var current: ClaimedUnit?
        var snapshot: WorkerMetricsSnapshot?
    }

    public init(
        options: Options, queue: WorkQueue, lock: any LeaderLock, planner: @escaping Planner,
        body: @escaping UnitBody, alerts: AlertPass? = nil, logger: Logger = Logger(label: "stockschool.worker")
    ) {
        self.options = options
        self.queue = queue
        self.lock = lock
        self.planner = planner
        self.body = body
        self.alerts = alerts
        var logger = logger
        logger[metadataKey: "worker"] = "\(options.id)"
        self.logger = logger
    }

    public var id: String { options.id }

    /// Whether this worker held the leader lock at its last look.
    public var isLeader: Bool { state.withLock { $0.leader } }

    /// The unit being run now, if any.
    public var currentUnit: ClaimedUnit? { state.withLock { $0.current } }

    /// Stops claiming units; `run()` returns once the current unit is finished or released.
    public func stop() {
        state.withLock { $0.stopping = true }
    }

    var stopping: Bool { state.withLock { $0.stopping } || Task.isCancelled }

    // MARK: running

    /// Leads (when it can), works and evaluates alerts until `stop()` or cancellation.
    public func run() async {
        logger.info(
            "worker started",
            metadata: [
                "schedule": "\(options.schedule.entries.map { "\($0.job)=\($0.cron)" }.joined(separator: ", "))",
                "lease_seconds": "\(queue.leaseSeconds)", "max_attempts": "\(queue.maxAttempts)",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.leadLoop() }
            group.addTask { await self.workLoop() }
            if alerts != nil { group.addTask { await self.alertLoop() } }
        }
        await lock.release()
        state.withLock { $0.leader = false }
        logger.info("worker stopped")
    }

    /// Enqueues a run of `job` for now and runs its units (other workers may run some too)
    /// until it ends; returns how it ended. For `worker --once` and cron users.
    public func runOnce(_ job: WorkerJob) async throws -> WorkerJobRecord {
        let (jobID, _) = try await enqueue(job, at: .now)
        logger.info("running \(job) once", metadata: ["job_id": "\(jobID)"])
        while true {
            if stopping { throw WorkflowError("stopped before \(job) run \(jobID) ended; its units were released") }
            if let unit = try await queue.claim(worker: id, job: jobID) {
                await execute(unit)
                continue
            }
            guard let record = try await queue.jobRecord(id: jobID) else {
                throw WorkflowError("\(job) run \(jobID) disappeared from worker_jobs")
            }
            if record.status == "succeeded" || record.status == "failed" { return record }
            // Waiting on a retry delay or on another worker's unit; a killed worker's last try
            // must still be reaped for the run to end.
            try await queue.reapExpired()
            await pause(1)
        }
    }

    /// Enqueues a run of `job` scheduled for `at` (idempotent for the same instant).
    @discardableResult
    public func enqueue(_ job: WorkerJob, at: Timestamp) async throws -> (id: Int64, created: Bool) {
        let (units, params) = planner(job, at)
        return try await queue.enqueue(job, scheduledFor: at, units: units, params: params, by: id)
    }

    /// The store's job figures for `/metrics`; the last ones read when the store does not
    /// answer (a scrape must not fail because the database blinked).
    public func metricsSnapshot() async -> WorkerMetricsSnapshot? {
        do {
            let snapshot = try await queue.metricsSnapshot()
            state.withLock { $0.snapshot = snapshot }
            return snapshot
        } catch {
            logger.warning("reading job metrics failed", metadata: ["error": "\(error)"])
            return state.withLock { $0.snapshot }
        }
    }

    // MARK: loops

    /// Sleeps up to `seconds`, waking early when the worker stops.
    func pause(_ seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !stopping, ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(200), deadline - .now))
        }
    }

    func leadLoop() async {
        // The schedule was looked at up to here; fire times after it are due.
        var cursor: Timestamp?
        while !stopping {
            let leading = await lock.hold()
            let was = state.withLock { s in
                defer { s.leader = leading }
                return s.leader
            }
            if leading && !was {
                let next = options.schedule.next(after: .now).map { "\($0.job) at \($0.at)" }
                logger.notice(
                    "leading: this worker enqueues the schedule",
                    metadata: ["next": "\(next.isEmpty ? "nothing scheduled" : next.joined(separator: ", "))"])
            } else if was && !leading {
                logger.notice("no longer leading")
            }
            if leading {
                cursor = await tick(after: cursor)
            } else {
                cursor = nil
            }
            await pause(Double(options.pollSeconds))
        }
    }

    /// The leader's turn: enqueue what fell due since `after` (a new leader looks back up to
    /// `catchUpSeconds`), and reap units whose last try's worker died. Returns the new cursor.
    func tick(after: Timestamp?) async -> Timestamp? {
        let now = Timestamp.now
        let earliest = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - WorkerSchedule.catchUpSeconds)
        var complete = true
        for (job, at) in options.schedule.due(after: max(after ?? earliest, earliest), now: now) {
            do {
                let (jobID, created) = try await enqueue(job, at: at)
                if created {
                    logger.notice("enqueued \(job)", metadata: ["job_id": "\(jobID)", "scheduled_for": "\(at)"])
                }
            } catch {
                complete = false
                logger.error("enqueueing \(job) failed; trying again next poll", metadata: ["error": "\(error)"])
            }
        }
        do {
            try await queue.reapExpired()
        } catch {
            logger.warning("reaping expired units failed", metadata: ["error": "\(error)"])
        }
        return complete ? now : after
    }

    func workLoop() async {
        while !stopping {
            let unit: ClaimedUnit?
            do {
                unit = try await queue.claim(worker: id)
            } catch {
                logger.warning("claiming a unit failed", metadata: ["error": "\(error)"])
                await pause(Double(options.pollSeconds))
                continue
            }
            guard let unit else {
                await pause(Double(options.pollSeconds))
                continue
            }
            await execute(unit)
        }
    }

    func alertLoop() async {
        guard let alerts else { return }
        while !stopping {
            await pause(Double(options.alertInterval))
            guard !stopping, isLeader else { continue }
            do {
                let summary = try await alerts()
                logger.info("alerts evaluated: \(summary)")
            } catch {
                logger.error("evaluating alerts failed", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: one unit

    /// Runs a claimed unit to its end: heartbeats while it runs, records success or failure,
    /// gives up when the lease was lost, releases it at shutdown.
    func execute(_ unit: ClaimedUnit) async {
        logger.info("claimed \(unit.label)")
        state.withLock { $0.current = unit }
        defer { state.withLock { $0.current = nil } }
        let started = ContinuousClock.now
        let result = Mutex<UnitOutcome?>(nil)
        let (body, delay) = (self.body, options.unitDelay)
        // The unit runs in a task of its own so that this loop can keep the lease alive and
        // watch for shutdown; a unit that ignores cancellation is abandoned at exit, which its
        // atomic, idempotent writes allow.
        let task = Task {
            let outcome: UnitOutcome
            do {
                if delay > .zero { try await Task.sleep(for: delay) }
                outcome = .succeeded(try await body(unit))
            } catch {
                outcome = .failed("\(error)")
            }
            result.withLock { $0 = outcome }
        }
        let beat = Duration.milliseconds(Int64(queue.leaseSeconds) * 1000 / 3)
        var nextBeat = ContinuousClock.now + beat
        var releaseAt: ContinuousClock.Instant?
        while true {
            if let outcome = result.withLock({ $0 }) {
                await record(unit, outcome, seconds: (ContinuousClock.now - started).inSeconds)
                return
            }
            let now = ContinuousClock.now
            if now >= nextBeat {
                nextBeat = now + beat
                do {
                    let held = try await queue.heartbeat(unit)
                    if !held {
                        task.cancel()
                        logger.warning("lost \(unit.label): its lease expired and another worker took it")
                        return
                    }
                } catch {
                    logger.warning("heartbeat for \(unit.label) failed; trying again", metadata: ["error": "\(error)"])
                }
            }
            if stopping {
                let deadline = releaseAt ?? now + options.shutdownGrace
                releaseAt = deadline
                if now >= deadline || Task.isCancelled {
                    task.cancel()
                    _ = await persist("releasing \(unit.label)") { try await self.queue.release(unit) }
                    logger.notice("released \(unit.label) at shutdown")
                    return
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// How a unit's body ended: its report, or its error's description.
    enum UnitOutcome: Sendable {
        case succeeded(String)
        case failed(String)
    }

    func record(_ unit: ClaimedUnit, _ outcome: UnitOutcome, seconds: Double) async {
        let took = "\((seconds * 100).rounded() / 100) s"
        switch outcome {
        case .succeeded(let detail):
            let ending = await persist("completing \(unit.label)") {
                try await self.queue.complete(unit, detail: detail)
            }
            if ending == .succeeded {
                logger.info("✓ \(unit.label) (\(took)): \(detail)")
                if let job = try? await queue.jobRecord(id: unit.jobID), job.status == "succeeded" {
                    logger.notice("\(job.job) run \(job.id) succeeded")
                }
            } else if ending == .lost {
                logger.warning("\(unit.label) finished after another worker took it over; its result was not recorded")
            }
        case .failed(let error):
            let ending = await persist("recording the failure of \(unit.label)") {
                try await self.queue.fail(unit, error: error)
            }
            switch ending {
            case .retrying:
                logger.warning(
                    "✗ \(unit.label) (\(took)) failed; tried again in \(queue.retryDelay) s",
                    metadata: ["error": "\(error)"])
            case .failed:
                logger.error(
                    "✗ \(unit.label) (\(took)) failed on its last try; \(unit.job) run \(unit.jobID) failed",
                    metadata: ["error": "\(error)"])
            default:
                logger.warning(
                    "✗ \(unit.label) failed after another worker took it over", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Retries a bookkeeping write a few times: the unit's work is done, and losing its record
    /// to a blink of the database would make another worker do it again.
    func persist(_ what: String, _ write: @Sendable () async throws -> WorkQueue.Ending) async -> WorkQueue.Ending? {
        for attempt in 1...5 {
            do {
                return try await write()
            } catch {
                logger.warning("\(what) failed (attempt \(attempt) of 5)", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
