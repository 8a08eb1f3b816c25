import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `stockschool worker` as operators run it: `--once` on the embedded store, and two worker
/// processes sharing one PostgreSQL database, one of them killed while it holds a unit.
@Suite struct WorkerCLITests {
    /// A small simulated market and schedules that never fire by themselves (runs are
    /// enqueued by the tests), so each test does exactly the work it asks for.
    static let environment = [
        "STOCKSCHOOL_SAMPLE_STOCKS": "20", "STOCKSCHOOL_SAMPLE_START": "20240102", "STOCKSCHOOL_SAMPLE_END": "20240329",
        "STOCKSCHOOL_WORKER_SYNC_SCHEDULE": "off", "STOCKSCHOOL_WORKER_FACTORS_SCHEDULE": "off",
        "STOCKSCHOOL_WORKER_RETRY_DELAY": "0", "STOCKSCHOOL_SCORE_WINDOW": "20",
    ]

    static var market: SampleMarket {
        get throws {
            try SampleMarket(
                SampleMarketConfiguration(
                    stocks: 20, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_03_29), seed: 42
                ))
        }
    }

    @Test func helpDescribesTheWorker() async throws {
        let help = try await CLITests.run(["worker", "--help"])
        #expect(help.status == 0)
        for word in ["--once", "--metrics-port", "--id", "worker.sync_schedule", "status", "enqueue", "SIGTERM"] {
            #expect(help.stdout.contains(word), "\(word)")
        }
    }

    @Test func anInvalidScheduleNamesTheKeyAndTheField() async throws {
        let result = try await CLITests.run(
            ["worker", "status"], environment: ["STOCKSCHOOL_WORKER_SYNC_SCHEDULE": "30 18 * * 9"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("worker.sync_schedule"), "\(result.stderr)")
        #expect(result.stderr.contains("day-of-week"), "\(result.stderr)")
    }

    /// `worker --once sync` then `--once factors` on SQLite: the runs succeed, their units are
    /// recorded, the data is complete, and `worker status` shows it.
    @Test func onceRunsAJobToItsEnd() async throws {
        let test = try await TestStore.make(.sqlite)
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            func run(_ arguments: [String]) async throws -> CLITests.Result {
                try await CLITests.run(
                    arguments + ["--store", test.url], in: directory, environment: Self.environment)
            }
            let sync = try await run(["worker", "--once", "sync", "--source", "sample"])
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stdout.contains("sync run 1 succeeded"), "\(sync.stdout)")
            let daily = try await test.store.query(SQLStatement("SELECT count(*) FROM stock_daily")).first?.first?.int
            #expect(daily == Int64(try Self.market.rowCounts.daily))

            let factors = try await run(["worker", "--once", "factors", "--json"])
            #expect(factors.status == 0, "\(factors.stderr)")
            #expect(factors.stdout.contains("\"status\" : \"succeeded\""), "\(factors.stdout)")
            let scores = try await test.store.query(SQLStatement("SELECT count(*) FROM scores")).first?.first?.int
            #expect((scores ?? 0) > 0)

            let status = try await run(["worker", "status"])
            #expect(status.status == 0, "\(status.stderr)")
            for word in [
                "sync run 1", "factors run 2", "reference", "index_weight", "evaluation", "quality", "succeeded",
            ] {
                #expect(status.stdout.contains(word), "\(word): \(status.stdout)")
            }
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    // MARK: two workers

    /// A `stockschool worker` process, its output in files.
    final class WorkerProcess {
        let id: String
        let process: Process
        let log: URL

        init(id: String, url: String, directory: URL, environment: [String: String]) throws {
            self.id = id
            log = directory.appendingPathComponent("\(id).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = CLITests.executable
            process.arguments = [
                "worker", "--store", url, "--id", id, "--metrics-port", "0", "--no-alerts", "--source", "sample",
            ]
            process.environment = environment
            process.currentDirectoryURL = directory
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            self.process = process
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// The metrics port the worker printed once listening.
        func metricsPort() async throws -> Int {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                for line in output.split(separator: "\n") where line.contains("metrics on http://") {
                    if let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) {
                        return port
                    }
                }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw WorkerDidNotStart(description: "worker \(id) did not start:\n\(output)")
        }
    }

    struct WorkerDidNotStart: Error, CustomStringConvertible {
        let description: String
    }

    static func leader(port: Int) async throws -> Double? {
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { return nil }
        let (data, _) = try await URLSession.shared.data(from: url)
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix("stockschool_worker_leader ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    static func metrics(port: Int) async throws -> String {
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { return "" }
        return String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self)
    }

    /// Two workers against one PostgreSQL: one leads; the worker holding a unit is killed; the
    /// other takes the unit over when its lease expires and finishes the run; every unit
    /// succeeds exactly once and the synced data is complete.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)), .timeLimit(.minutes(5)))
    func aKilledWorkersUnitIsFinishedByTheOther() async throws {
        let test = try await TestStore.make(.postgres)
        let directory = try CLITests.temporaryDirectory()
        var workers: [WorkerProcess] = []
        defer {
            for worker in workers where worker.process.isRunning { kill(worker.process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }
        do {
            var environment = ProcessInfo.processInfo.environment
            for key in environment.keys
            where (key.hasPrefix("STOCKSCHOOL_") && !key.hasPrefix("STOCKSCHOOL_TEST_")) || key.hasPrefix("TUSHARE_") {
                environment[key] = nil
            }
            environment.merge(Self.environment) { _, new in new }
            // Short leases and polls so the takeover happens in seconds; every unit lasts at
            // least 3 s, so the kill lands while one is held (a test-only knob).
            environment.merge([
                "STOCKSCHOOL_WORKER_LEASE_SECONDS": "3", "STOCKSCHOOL_WORKER_POLL_SECONDS": "1",
                "STOCKSCHOOL_WORKER_TEST_UNIT_DELAY_MS": "3000",
            ]) { _, new in new }
            workers = [
                try WorkerProcess(id: "worker-a", url: test.url, directory: directory, environment: environment),
                try WorkerProcess(id: "worker-b", url: test.url, directory: directory, environment: environment),
            ]
            var ports: [String: Int] = [:]
            for worker in workers { ports[worker.id] = try await worker.metricsPort() }

            // Exactly one leads (give leadership a couple of polls to settle).
            var leaders: [String: Double] = [:]
            for _ in 0..<50 {
                for worker in workers { leaders[worker.id] = try await Self.leader(port: ports[worker.id] ?? 0) }
                if leaders.values.reduce(0, +) == 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(leaders.values.reduce(0, +) == 1, "\(leaders)")
            #expect(
                try await Self.metrics(port: ports["worker-a"] ?? 0).contains(
                    "stockschool_job_runs_total{job=\"sync\",outcome=\"failed\"} 0"))

            let enqueued = try await CLITests.run(
                ["worker", "enqueue", "sync", "--source", "sample", "--store", test.url, "--json"], in: directory,
                environment: Self.environment)
            #expect(enqueued.status == 0, "\(enqueued.stderr)")
            let store = test.store

            // Kill whichever worker holds the first running unit, while it holds it.
            var victim: String?
            let deadline = ContinuousClock.now + .seconds(60)
            while victim == nil, ContinuousClock.now < deadline {
                let rows = try await store.query(
                    SQLStatement("SELECT claimed_by FROM worker_units WHERE status = 'running' ORDER BY id LIMIT 1"))
                if let holder = rows.first?[0].string, let process = workers.first(where: { $0.id == holder }) {
                    kill(process.process.processIdentifier, SIGKILL)
                    let child = process.process
                    await offPool { child.waitUntilExit() }
                    victim = holder
                } else {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let killedWorker = try #require(victim, "no unit was ever running")
            // The unit it held is the one whose run it never finished: read from the store, not
            // from the sighting above, since under load the sighted unit may have finished
            // between the query and the kill (a CI run saw exactly that).
            let held = try await store.query(
                SQLStatement(
                    "SELECT unit_id FROM worker_unit_runs WHERE worker = ? AND (outcome IS NULL OR outcome = 'abandoned') ORDER BY id",
                    [.text(killedWorker)]))
            let heldUnit = try #require(
                held.count == 1 ? held.first?[0].int : nil,
                "the killed worker should hold exactly one unit at its death: \(held)")
            let killed = (worker: killedWorker, unit: heldUnit)
            let survivor = try #require(workers.first { $0.id != killed.worker })

            // The survivor takes the unit over once its lease expires, and finishes the run.
            var status = ""
            let end = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < end {
                status =
                    try await store.query(SQLStatement("SELECT status FROM worker_jobs ORDER BY id LIMIT 1")).first?
                    .first?.string ?? ""
                if status == "succeeded" || status == "failed" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(status == "succeeded", "\(survivor.output)")

            // Every unit succeeded, and exactly one attempt of each ran to completion.
            let units = try await store.query(SQLStatement("SELECT id, status, attempts FROM worker_units ORDER BY id"))
            #expect(units.count == 6)
            #expect(units.allSatisfy { $0[1].string == "succeeded" })
            let completions = try await store.query(
                SQLStatement(
                    "SELECT u.id, (SELECT count(*) FROM worker_unit_runs r WHERE r.unit_id = u.id AND r.outcome = 'succeeded') FROM worker_units u ORDER BY u.id"
                ))
            #expect(completions.allSatisfy { $0[1].int == 1 }, "\(completions)")
            let attempts = try await store.query(
                SQLStatement(
                    "SELECT worker, outcome FROM worker_unit_runs WHERE unit_id = ? ORDER BY id",
                    [.integer(killed.unit)]))
            #expect(
                attempts.map { [$0[0].string ?? "", $0[1].string ?? ""] } == [
                    [killed.worker, "abandoned"], [survivor.id, "succeeded"],
                ])

            // The data is complete: the killed unit's dataset too.
            let market = try Self.market
            let counts = try await store.query(
                SQLStatement(
                    "SELECT (SELECT count(*) FROM stock_daily), (SELECT count(*) FROM adj_factor), (SELECT count(*) FROM daily_basic)"
                ))
            let expected = [market.rowCounts.daily, market.rowCounts.adjFactor, market.rowCounts.dailyBasic]
            #expect(counts.first?.map(\.int) == expected.map { Int64($0) })

            // The survivor leads now (the killed leader's session closed, freeing the lock) and
            // exports the run.
            let port = ports[survivor.id] ?? 0
            var leading: Double?
            for _ in 0..<50 {
                leading = try await Self.leader(port: port)
                if leading == 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(leading == 1)
            let text = try await Self.metrics(port: port)
            #expect(text.contains("stockschool_job_runs_total{job=\"sync\",outcome=\"succeeded\"} 1"), "\(text)")
            #expect(text.contains("stockschool_job_last_success_timestamp_seconds{job=\"sync\"}"), "\(text)")

            let report = try await CLITests.run(
                ["worker", "status", "--store", test.url], in: directory, environment: Self.environment)
            #expect(report.stdout.contains("abandoned"), "\(report.stdout)")

            // SIGTERM: the survivor stops cleanly.
            kill(survivor.process.processIdentifier, SIGTERM)
            let child = survivor.process
            await offPool { child.waitUntilExit() }
            #expect(survivor.process.terminationStatus == 0, "\(survivor.output)")
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }
}
