import ArgumentParser
import Foundation
import Logging
import StockSchoolCore
import StockSchoolOps
import StockSchoolServer
import StockSchoolStore

extension WorkerJob: ExpressibleByArgument {}
extension SyncSourceSpec.Kind: ExpressibleByArgument {}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the daily workflow on a schedule: sync, then factors → evaluation → scores → quality.",
        discussion: """
            Two jobs, on cron schedules in Beijing time (Asia/Shanghai):
              sync      worker.sync_schedule, default "30 18 * * 1-5": the reference data,
                        then one unit per dataset (daily, adj_factor, daily_basic,
                        index_daily, index_weight), from Tushare when a token is
                        configured, else the simulated market of sample.* (--source
                        chooses)
              factors   worker.factors_schedule, default "30 19 * * 1-5": factors, daily
                        ICs, scores and the quality summary, one unit each, in that order
            Runs, units and every attempt are recorded in the store (worker_jobs,
            worker_units, worker_unit_runs; see `stockschool worker status`). A failed
            unit is tried again worker.retries times, worker.retry_delay seconds apart,
            before its job fails.

            Several workers may share one PostgreSQL store: one holds the leader lock and
            enqueues the schedule (and evaluates the alert rules every alerts.interval
            seconds); all of them claim units. A killed worker's unit is taken over by
            another once its lease (worker.lease_seconds) runs out. On SQLite run one
            worker.

            GET /metrics on --metrics-port (worker.metrics_port, default 9091) exports the
            jobs' last success, duration and runs by outcome, and whether this worker
            leads. SIGTERM or Ctrl-C: stop claiming, finish the running unit or release
            it, exit. Logs go to standard error and to log.dir/stockschool-worker.log
            (./logs).

            Examples:
              stockschool worker
              stockschool worker --id worker-2 --metrics-port 9092
              stockschool worker --once sync          run one job now and exit (cron users)
              stockschool worker enqueue factors      have the running workers run it now
              stockschool worker status
            """,
        subcommands: [WorkerStatusCommand.self, WorkerEnqueueCommand.self])

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Run this job (sync or factors) now, wait for it to end, and exit.", valueName: "job"))
    var once: WorkerJob?

    @Option(
        name: .customLong("metrics-port"),
        help: ArgumentHelp(
            "Port of GET /metrics (default 9091, or worker.metrics_port; 0 picks a free one).", valueName: "port"))
    var metricsPort: Int?

    @Option(
        name: .customLong("metrics-host"),
        help: ArgumentHelp(
            "Address /metrics listens on (default 127.0.0.1, or worker.metrics_host).", valueName: "address"))
    var metricsHost: String?

    @Option(help: ArgumentHelp("This worker's name in the store and logs (default: host-pid).", valueName: "name"))
    var id: String?

    @Option(
        help: "Where the sync job's data comes from: sample or tushare (default: tushare with a token, else sample).")
    var source: SyncSourceSpec.Kind?

    @Flag(name: .customLong("no-alerts"), help: "Do not evaluate the alert rules, even when leading.")
    var noAlerts = false

    /// Test-only: every unit waits this many milliseconds before it starts, so a test can kill
    /// a worker while it holds a unit. Not a configuration key on purpose.
    static let unitDelayVariable = "STOCKSCHOOL_WORKER_TEST_UNIT_DELAY_MS"

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0–65535, got \(metricsPort)")
        }
        if let id, id.isEmpty || id.count > 200 { throw ValidationError("--id must be 1–200 characters") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let alertMetrics = AlertMetrics()
        let channels = AlertSetup.channels(configuration, metrics: alertMetrics)
        // Bad rules stop the worker here, not at its first evaluation a minute later.
        if !noAlerts { _ = try AlertSetup.rules(configuration) }
        try ProcessLogging.bootstrap(process: "worker", configuration: configuration)
        var logger = Logger(label: "stockschool.worker")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let delay = ProcessInfo.processInfo.environment[Self.unitDelayVariable].flatMap(Int.init).map {
            Duration.milliseconds(max(0, $0))
        }
        let store = try await global.openConfiguredStore(configuration)
        do {
            try await store.migrate()
            let alerts =
                noAlerts || once != nil
                ? nil
                : try WorkerAlerts.pass(
                    configuration, store: store, channels: channels, metrics: alertMetrics,
                    apiURL: HealthChecker.defaultAPIURL(configuration))
            let worker = try Worker.configured(
                configuration, store: store, id: id ?? Worker.defaultID, source: source, alerts: alerts,
                unitDelay: delay ?? .zero, logger: logger)
            if let once {
                let record = try await worker.runOnce(once)
                try report(record, store: store)
            } else {
                let host = metricsHost ?? configuration.worker.metricsHost
                try await WorkerServer.run(
                    worker, host: host, port: metricsPort ?? configuration.worker.metricsPort, logger: logger
                ) { port in
                    // A plain line, for people and for tests that start workers on port 0.
                    Output.error("worker \(worker.id): metrics on http://\(host):\(port)/metrics")
                }
            }
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }

    func report(_ record: WorkerJobRecord, store: any MarketStore) throws {
        if global.json {
            try Output.json(record)
        } else {
            let took = record.duration.map { String(format: " in %.1f s", $0) } ?? ""
            print("\(record.job) run \(record.id) \(record.status)\(took).")
        }
        if record.status != "succeeded" {
            throw CommandFailure(
                description:
                    "\(record.job) run \(record.id) failed: \(record.error ?? "see `stockschool worker status`")")
        }
    }
}

struct WorkerStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Recent runs of the worker's jobs, with their units and every attempt.",
        discussion: """
            A run is queued, running, succeeded or failed; a unit is queued, running,
            succeeded, failed or cancelled (its job failed first). Attempts list who ran
            each claim and how it ended: succeeded, failed, released (shutdown), lost (its
            lease had passed to another worker) or abandoned (its worker died).

            Examples:
              stockschool worker status
              stockschool worker status --job sync --limit 3
              stockschool worker status --json | jq '.[0].units'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many recent runs to show.")
    var limit = 5

    @Option(help: ArgumentHelp("Only runs of this job (sync or factors).", valueName: "job"))
    var job: WorkerJob?

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1–1000, got \(limit)") }
    }

    struct Run: Encodable {
        let job: WorkerJobRecord
        let units: [WorkerUnitRecord]
        let attempts: [WorkerUnitRunRecord]
    }

    func run() async throws {
        let configuration = try global.configuration()
        let runs = try await withStore(configuration) { store -> [Run] in
            _ = try await requireSchema(store)
            guard try await store.tableExists("worker_jobs") else { return [] }
            let queue = WorkQueue(store: store, configuration: configuration.worker)
            let jobs = try await queue.recentJobs(limit: limit, job: job?.rawValue)
            let units = try await queue.units(jobs: jobs.map(\.id))
            let attempts = try await queue.runs(jobs: jobs.map(\.id))
            return jobs.map { record in
                Run(
                    job: record, units: units.filter { $0.jobID == record.id },
                    attempts: attempts.filter { $0.jobID == record.id })
            }
        }
        if global.json { return try Output.json(runs) }
        guard !runs.isEmpty else {
            print("No worker runs yet: `stockschool worker` enqueues them on its schedule, `worker enqueue JOB` now.")
            return
        }
        for (index, run) in runs.enumerated() {
            let record = run.job
            let took = record.duration.map { String(format: " in %.1f s", $0) } ?? ""
            if index > 0 { print("") }
            print(
                "\(record.job) run \(record.id), scheduled for \(record.scheduledFor) (\(Self.beijing(record.scheduledFor))), enqueued by \(record.enqueuedBy): \(record.status)\(took)"
            )
            if let error = record.error { print("  error: \(error)") }
            Output.table(
                ["unit", "stage", "status", "attempts", "worker", "detail"],
                run.units.map { unit in
                    [
                        unit.name, String(unit.stage), unit.status, String(unit.attempts), unit.claimedBy ?? "",
                        Self.shorten(unit.error.map { "error: \($0)" } ?? unit.detail ?? ""),
                    ]
                })
            let retried = run.attempts.filter { $0.outcome != "succeeded" }
            if !retried.isEmpty {
                let names = Dictionary(run.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
                print("  other attempts:")
                for attempt in retried {
                    print(
                        "    \(names[attempt.unitID] ?? "#\(attempt.unitID)") attempt \(attempt.attempt) by \(attempt.worker): \(attempt.outcome ?? "running")\(attempt.message.map { " — " + Self.shorten($0) } ?? "")"
                    )
                }
            }
        }
    }

    static func shorten(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count > 100 ? String(line.prefix(99)) + "…" : line
    }

    /// `2024-01-02T10:30:00Z` → `2024-01-02 18:30 Beijing`.
    static func beijing(_ iso: String) -> String {
        guard let stamp = Timestamp(iso8601: iso) else { return iso }
        let local = Timestamp(secondsSinceEpoch: stamp.secondsSinceEpoch + 8 * 3600).iso8601
        return String(local.prefix(16)).replacingOccurrences(of: "T", with: " ") + " Beijing"
    }
}

struct WorkerEnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a run of a job now, for the running workers to execute.",
        discussion: """
            The run is split into units exactly as a scheduled one; `stockschool worker
            status` follows it. Unlike `worker --once`, this returns at once.

            Examples:
              stockschool worker enqueue sync
              stockschool worker enqueue factors --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The job: sync or factors.", valueName: "job"))
    var job: WorkerJob

    @Option(
        help: "Where the sync job's data comes from: sample or tushare (default: tushare with a token, else sample).")
    var source: SyncSourceSpec.Kind?

    func run() async throws {
        let configuration = try global.configuration()
        let (id, scheduled) = try await withStore(configuration) { store -> (Int64, Timestamp) in
            try await store.migrate()
            let worker = try Worker.configured(
                configuration, store: store, id: "cli@\(ProcessInfo.processInfo.hostName)", source: source)
            let now = Timestamp(secondsSinceEpoch: Timestamp.now.secondsSinceEpoch.rounded(.down))
            return (try await worker.enqueue(job, at: now).id, now)
        }
        if global.json {
            struct Enqueued: Encodable {
                let id: Int64
                let job: String
                let scheduledFor: String
            }
            return try Output.json(Enqueued(id: id, job: job.rawValue, scheduledFor: scheduled.iso8601))
        }
        print("Enqueued \(job) run \(id) for \(scheduled); a running `stockschool worker` will run it.")
    }
}
