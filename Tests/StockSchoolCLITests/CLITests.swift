import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

/// The `stockschool` executable, run as a user would run it: a real process, real files, a real
/// PostgreSQL where available.
@Suite struct CLITests {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("stockschool")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        // Package root from this file: Tests/StockSchoolCLITests/CLITests.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/stockschool")
    }

    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        program: URL = executable
    ) async throws -> Result {
        try await offPool { try runBlocking(arguments, in: directory, environment: environment, program: program) }
    }

    static func runBlocking(
        _ arguments: [String], in directory: URL?, environment: [String: String], program: URL = executable
    ) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // The user's own settings must not leak into the commands under test.
        for key in env.keys
        where (key.hasPrefix("STOCKSCHOOL_") && !key.hasPrefix("STOCKSCHOOL_TEST_")) || key.hasPrefix("TUSHARE_") {
            env[key] = nil
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes drain at once: a child that fills one while we wait on the other would hang.
        let stderr = try offPoolBlocking { err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.wait(), as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ss-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func helpExplainsTheCommands() async throws {
        let result = try await Self.run(["--help"])
        #expect(result.status == 0)
        for word in ["demo", "sync", "init", "db", "Exit codes"] { #expect(result.stdout.contains(word)) }
        let sync = try await Self.run(["sync", "--help"])
        #expect(sync.status == 0)
        #expect(sync.stdout.contains("--stocks"))
    }

    @Test(arguments: [
        (["sync", "--start", "2024013"], "--start"),
        (["sync", "--start", "20240230"], "--start"),
        (["sync", "--stocks", "0"], "--stocks"),
        (["sync", "--source", "nosuch"], "nosuch"),
        (["sync", "--datasets", "daily,prices"], "prices"),
        (["sync", "--start", "20240301", "--end", "20240101"], "--start"),
        (["db", "stats", "--store", "mysql://localhost/x"], "mysql://localhost/x"),
        (["frobnicate"], "frobnicate"),
    ])
    func badUsageExitsTwoAndNamesTheProblem(_ arguments: [String], _ named: String) async throws {
        let result = try await Self.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(named), "\(arguments): \(result.stderr)")
    }

    @Test func aConfigFileTypoIsAnErrorNamingKeyAndLine() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "database:\n  ulr: sqlite:///x.sqlite\n".write(
            to: directory.appendingPathComponent("stockschool.yaml"), atomically: true, encoding: .utf8)
        let result = try await Self.run(["db", "stats"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("database.ulr"))
        #expect(result.stderr.contains("line 2"))
    }

    @Test func statsOnAStoreWithoutSchemaSaysToInit() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await Self.run(["db", "stats", "--store", "sqlite://\(directory.path)/empty.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("stockschool init"))
    }

    /// A PostgreSQL URL that cannot be used fails the command at once, naming the store and why,
    /// instead of waiting for a connection pool that retries forever (as `db stats` and `serve`
    /// once did). Needs no server for the refused port; the missing database uses the test server.
    @Test(.timeLimit(.minutes(1))) func anUnusablePostgresURLFailsAtOnceNamingTheStore() async throws {
        let refused = try await Self.run(["db", "stats", "--store", "postgres://app:s3cret@127.0.0.1:1/nothing"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot open the store at postgres://app:***@127.0.0.1:1/nothing"))
        #expect(refused.stderr.contains("refused"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("s3cret"))
        if TestEnvironment.isCI || TestEnvironment.postgresURL != nil {
            let admin = try #require(TestEnvironment.postgresURL, "CI runs need STOCKSCHOOL_TEST_POSTGRES_URL")
            var url = try #require(URLComponents(string: admin))
            url.path = "/no_such_db_\(UInt32.random(in: 0...UInt32.max))"
            let missing = try #require(url.string)
            let served = try await Self.run(["serve", "--store", missing])
            #expect(served.status == 1)
            #expect(served.stderr.contains("does not exist"), "\(served.stderr)")
        }
    }

    /// `serve` on a port something else holds: exit 1 with the address and what to do, and no
    /// "Dashboard:" line announcing an address it never served.
    @Test(.timeLimit(.minutes(1))) func serveOnATakenPortSaysSoAndAnnouncesNothing() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite://\(directory.path)/s.sqlite"
        #expect(try await Self.run(["init", "--store", store]).status == 0)
        try await HTTPSink.with { holder in
            let served = try await Self.run(["serve", "--store", store, "--port", String(holder.port)])
            #expect(served.status == 1)
            #expect(
                served.stderr.contains("cannot listen on 127.0.0.1:\(holder.port): the address is already in use"),
                "\(served.stderr)")
            #expect(!served.stdout.contains("Dashboard:"))
            #expect(!served.stderr.contains("cannot read data generations"))
        }
    }

    @Test func initCreatesTheStoreAndIsRepeatable() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite://\(directory.path)/nested/dir/s.sqlite"
        let first = try await Self.run(["init", "--store", store, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("\"applied\" : [\n    1,\n    2,\n    3,\n    4,\n    5,\n    6,\n    7\n  ]"))
        let second = try await Self.run(["init", "--store", store])
        #expect(second.status == 0)
        #expect(second.stdout.contains("up to date"))
    }

    /// The "done means": after `demo`, `db stats` shows every table filled.
    @Test(arguments: TestBackend.available)
    func demoFillsEveryTableAndARerunFetchesNothing(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, migrate: false)
        do {
            try await demoThenRerun(url: test.url)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func demoThenRerun(url: String) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["demo", "--stocks", "30", "--start", "20240102", "--end", "20240628", "--store", url]
        let demo = try await Self.run(arguments, in: directory)
        #expect(demo.status == 0, "\(demo.stderr)")
        let stats = try await Self.run(["db", "stats", "--json", "--store", url], in: directory)
        #expect(stats.status == 0, "\(stats.stderr)")
        let decoded = try JSONDecoder().decode(Stats.self, from: Data(stats.stdout.utf8))
        #expect(decoded.tables.count == 21)
        // API keys and the audit log are the API's own, alerts the alert engine's: `demo`
        // leaves them empty.
        for table in decoded.tables where !["api_keys", "audit_log", "alerts", "alert_silences"].contains(table.table) {
            #expect(table.rows > 0, "\(table.table) is empty after demo")
        }
        let daily = try #require(decoded.tables.first { $0.table == "stock_daily" })
        #expect(daily.firstDate == "20240102")
        let again = try await Self.run(arguments + ["--json"], in: directory)
        #expect(again.status == 0)
        #expect(again.stdout.contains("\"units\" : 0"))
        let statsAgain = try JSONDecoder().decode(
            Stats.self, from: Data(try await Self.run(["db", "stats", "--json", "--store", url]).stdout.utf8))
        let before = Dictionary(uniqueKeysWithValues: decoded.tables.map { ($0.table, $0.rows) })
        // Each run is logged: sync_runs and the demo's backtest run (with its orders) grow.
        // data_generations counts commits, not rows: its rows stay, their counters move.
        for table in statsAgain.tables where !["sync_runs", "backtest_runs", "backtest_trades"].contains(table.table) {
            #expect(table.rows == before[table.table], "\(table.table) changed on a rerun")
        }
    }

    @Test func planListsExactlyTheHoles() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://\(directory.path)/p.sqlite"
        let market = ["--stocks", "10", "--start", "20240102", "--end", "20240131"]
        #expect(try await Self.run(["demo", "--store", url] + market).status == 0)
        let complete = try await Self.run(["sync", "--store", url, "--plan"] + market)
        #expect(complete.stdout.contains("Nothing to fetch."), "\(complete.stdout)")
        // Punch a hole in the checkpoints, then ask for the plan.
        let store = try await openStore(url: url)
        try await store.query(
            SQLStatement("DELETE FROM sync_state WHERE dataset = 'adj_factor' AND trade_date IN (20240110, 20240111)"))
        try await store.close()
        let plan = try await Self.run(["sync", "--store", url, "--plan"] + market)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("adj_factor   2 missing: 20240110–20240111"), "\(plan.stdout)")
        #expect(plan.stdout.contains("daily        0 missing"))
        #expect(plan.stdout.contains("2 units to fetch."))
        let status = try await Self.run(["sync", "status", "--store", url])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Last run"))
    }

    @Test func qualityListsReportsWorstFirst() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://\(directory.path)/q.sqlite"
        #expect(
            try await Self.run(["demo", "--store", url, "--stocks", "10", "--start", "20240102", "--end", "20240131"])
                .status
                == 0)
        let json = try await Self.run(["quality", "--store", url, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        // January 2024: 23 weekdays less New Year's Day = 22 open days, one report each per dataset
        // (daily, adj_factor, daily_basic), plus one for trade_cal.
        #expect(json.stdout.contains("\"reports\" : 67"))
        #expect(json.stdout.contains("\"below08\" : 0"))
        #expect(json.stdout.contains("\"overall\" : 1"))
        #expect(json.stdout.contains("\"freshness\""))
        let text = try await Self.run(["quality", "--store", url])
        #expect(text.stdout.contains("Overall quality 1.000"), "\(text.stdout)")
        #expect(text.stdout.contains("Freshness: daily, adj_factor, daily_basic, index_daily up to date."))
        let one = try await Self.run(["quality", "--store", url, "--date", "20240105"])
        #expect(one.stdout.contains("20240105"))
        #expect(!one.stdout.contains("20240108"))
        #expect(try await Self.run(["quality", "--store", url, "--below", "2"]).status == 2)
    }

    @Test func tushareSyncNeedsAToken() async throws {
        let result = try await Self.run(["sync", "--source", "tushare", "--store", "sqlite:///tmp/ss-no-token.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("TUSHARE_TOKEN"))
        let mixed = try await Self.run(["sync", "--source", "tushare", "--stocks", "10"])
        #expect(mixed.status == 2)
    }

    @Test func tushareSyncAgainstAServerSpeakingItsProtocol() async throws {
        let market = try SampleMarket(
            SampleMarketConfiguration(
                stocks: 8, start: TradeDate(unchecked: 2024_03_01), end: TradeDate(unchecked: 2024_03_15), seed: 3))
        let fixture = try await TushareFixture.start(market: market)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite://\(directory.path)/t.sqlite"
        let environment = ["TUSHARE_TOKEN": TushareFixture.token, "TUSHARE_API_URL": fixture.baseURL]
        let result = try await Self.run(
            ["sync", "--source", "tushare", "--start", "20240301", "--end", "20240315", "--store", store, "--json"],
            environment: environment)
        try await fixture.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"status\" : \"succeeded\""))
        let stats = try JSONDecoder().decode(
            Stats.self, from: Data(try await Self.run(["db", "stats", "--json", "--store", store]).stdout.utf8))
        #expect(stats.tables.first { $0.table == "stock_daily" }?.rows == market.rowCounts.daily)
    }

    struct Stats: Decodable {
        struct Table: Decodable {
            let table: String
            let rows: Int
            let firstDate: String?
        }

        let tables: [Table]
    }
}
