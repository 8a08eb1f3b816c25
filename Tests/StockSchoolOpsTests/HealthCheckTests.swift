import Foundation
import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolOps

@Suite struct HealthCheckTests {
    /// A configuration over a test store and a scratch directory holding logs and backups.
    static func configuration(databaseURL: String, redisURL: String?, scratch: URL) -> StockSchoolConfiguration {
        var configuration = StockSchoolConfiguration()
        configuration.databaseURL = databaseURL
        configuration.redisURL = redisURL
        configuration.dataDirectory = scratch.appendingPathComponent("data").path
        configuration.ops.logDirectory = scratch.appendingPathComponent("logs").path
        configuration.ops.backupDirectory = scratch.appendingPathComponent("backups").path
        return configuration
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ss-health-\(UUID().uuidString.prefix(8))")
        for sub in ["data", "logs", "backups"] {
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        return url
    }

    static func touch(_ url: URL, hoursAgo: Double, contents: String = "") throws {
        try Data(contents.utf8).write(to: url)
        let date = Date(timeIntervalSinceNow: -hoursAgo * 3600)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
    }

    @Test(arguments: TestBackend.available)
    func reachableStoreAndRedisAreOkWithTheirFigures(backend: TestBackend) async throws {
        guard TestRedis.isEnabled else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await TestStore.scoped(backend) { test in
            let configuration = Self.configuration(
                databaseURL: test.url, redisURL: try TestRedis.url(), scratch: scratch)
            var checker = HealthChecker(configuration: configuration, apiURL: nil)
            // The suite runs beside load tests (wrk, Chromium) on two cores, where opening a
            // PostgreSQL store has taken over the default 5 s; this test is about the verdicts,
            // not the deadline, which `dependenciesThatAcceptButNeverAnswerAreCutOffAtTheDeadline`
            // covers.
            checker.timeout = .seconds(60)
            let report = await checker.run()

            let database = try #require(report.check("database"))
            #expect(database.level == .ok && (database.latencyMS ?? -1) >= 0, "\(database.message)")
            let cache = try #require(report.check("cache"))
            #expect(cache.level == .ok && cache.message.contains("used_memory_human"))
            #expect((cache.values["used_memory_bytes"] ?? 0) > 0)
            #expect(report.check("api") == nil)
            // An empty store: nothing synced is a warning that says what to do.
            #expect(report.check("sync")?.level == .warning)
            #expect(report.check("sync")?.message.contains("stockschool sync") == true)
            // No backups yet.
            #expect(report.check("backup")?.level == .warning)
            #expect(report.level == .warning && report.level.exitCode == 1)
        }
    }

    @Test func stoppedRedisIsAWarningNotAnOutage() async throws {
        guard TestRedis.isEnabled else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let redis = try await RedisServerProcess.start()
        let url = redis.url()
        let configuration = Self.configuration(
            databaseURL: "sqlite://\(scratch.path)/data/none.sqlite", redisURL: url, scratch: scratch)
        var checker = HealthChecker(configuration: configuration, apiURL: nil)
        checker.timeout = .seconds(2)
        #expect(await checker.cacheCheck().level == .ok)
        redis.stop()
        let cache = await checker.cacheCheck()
        #expect(cache.level == .warning)
        #expect(cache.message.contains("Redis unreachable") && cache.message.contains("127.0.0.1:\(redis.port)"))
    }

    @Test func stoppedDatabaseIsCriticalAndSaysSo() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        // A PostgreSQL server that is not running: nothing listens on the port.
        let port = try await freeTCPPort()
        let configuration = Self.configuration(
            databaseURL: "postgres://stockschool@127.0.0.1:\(port)/stockschool", redisURL: nil, scratch: scratch)
        var checker = HealthChecker(configuration: configuration, apiURL: nil)
        checker.timeout = .seconds(3)
        let report = await checker.run()
        #expect(report.check("database")?.level == .critical)
        #expect(report.check("database")?.message.hasPrefix("unreachable") == true)
        #expect(report.check("sync")?.message == "not checked: the database is unreachable")
        #expect(report.level == .critical && report.level.exitCode == 2)

        let missing = Self.configuration(
            databaseURL: "sqlite://\(scratch.path)/data/none.sqlite", redisURL: nil, scratch: scratch)
        let embedded = await HealthChecker(configuration: missing, apiURL: nil).run()
        #expect(embedded.check("database")?.level == .critical)
        #expect(embedded.check("database")?.message.contains("stockschool init") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(scratch.path)/data/none.sqlite"))
    }

    @Test(.timeLimit(.minutes(1)))
    func dependenciesThatAcceptButNeverAnswerAreCutOffAtTheDeadline() async throws {
        let silent = try await SilentTCPServer.start()
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let configuration = Self.configuration(
            databaseURL: "postgres://stockschool@127.0.0.1:\(silent.port)/stockschool",
            redisURL: "redis://127.0.0.1:\(silent.port)", scratch: scratch)
        var checker = HealthChecker(configuration: configuration, apiURL: nil)
        checker.timeout = .seconds(1)
        let report = await checker.run()
        await silent.stop()

        let database = try #require(report.check("database"))
        #expect(database.level == .critical)
        #expect(database.message == "unreachable: the database did not answer within 1 s")
        let cache = try #require(report.check("cache"))
        #expect(cache.level == .warning && cache.message.contains("did not answer PING within 1 s"), "\(cache.message)")
        #expect(report.check("sync")?.message == "not checked: the database is unreachable")
    }

    @Test func anAPIThatDoesNotAnswerIsCritical() async throws {
        let port = try await freeTCPPort()
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let configuration = Self.configuration(databaseURL: "sqlite:///dev/null", redisURL: nil, scratch: scratch)
        let api = await HealthChecker(configuration: configuration, apiURL: "http://127.0.0.1:\(port)").apiCheck(
            "http://127.0.0.1:\(port)")
        #expect(api.level == .critical && api.message.contains("unreachable"))
    }

    @Test func logErrorsCountOnlyTheLastDay() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let now = Timestamp.now
        let hour = 3600.0
        func at(_ hoursAgo: Double) -> String {
            Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - hoursAgo * hour).iso8601
        }
        let lines = [
            "Exception before any timed line",  // the file's time: recent, counts
            "\(at(48)) error [stockschool.api] an old error",
            "  SomeException in the old error's trace",  // belongs to the 48 h old line
            "\(at(2)) info [stockschool.api] all good",
            "\(at(1)) error [stockschool.api] database went away",
            "  SomeException raised here",  // belongs to the 1 h old line: counts
            "\(at(0.5)) CRITICAL [stockschool.worker] disk full",
        ]
        try Self.touch(
            scratch.appendingPathComponent("logs/stockschool-serve.log"), hoursAgo: 0,
            contents: lines.joined(separator: "\n") + "\n")
        // A log untouched for three days is not read at all.
        try Self.touch(scratch.appendingPathComponent("logs/old.log"), hoursAgo: 72, contents: "\(at(72)) error x\n")
        try Self.touch(scratch.appendingPathComponent("logs/notes.txt"), hoursAgo: 0, contents: "error\n")
        let found = LogErrors.scan(directory: scratch.appendingPathComponent("logs").path, now: now)
        #expect(found.files == 1)
        #expect(found.count == 4)
        #expect(found.latest?.hasSuffix("disk full") == true)

        let configuration = Self.configuration(databaseURL: "sqlite:///dev/null", redisURL: nil, scratch: scratch)
        let check = HealthChecker(configuration: configuration, apiURL: nil).logCheck(now: now)
        #expect(check.level == .warning && check.values["errors"] == 4)
    }

    @Test func backupAgeAgainstTheLimit() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let configuration = Self.configuration(databaseURL: "sqlite:///dev/null", redisURL: nil, scratch: scratch)
        let checker = HealthChecker(configuration: configuration, apiURL: nil)
        let backups = scratch.appendingPathComponent("backups")
        #expect(checker.backupCheck(now: .now).level == .warning)
        try Self.completeBackup("20261125_020000", in: backups, hoursAgo: 30)
        let stale = checker.backupCheck(now: .now)
        #expect(stale.level == .warning)
        #expect(abs((stale.values["age_hours"] ?? 0) - 30) < 0.1)
        #expect(stale.message.contains("20261125_020000"))
        // Unfinished backups do not count as the newest: one still being written, one whose run
        // died before its manifest, and a file that is not a backup at all.
        try FileManager.default.createDirectory(
            at: backups.appendingPathComponent(".20261127_020000.partial"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: backups.appendingPathComponent("20261127_010000"), withIntermediateDirectories: true)
        try Self.touch(backups.appendingPathComponent("stockschool-20261127.tar.gz"), hoursAgo: 0)
        #expect(checker.backupCheck(now: .now).level == .warning)
        try Self.completeBackup("20261127_020000", in: backups, hoursAgo: 2)
        let fresh = checker.backupCheck(now: .now)
        #expect(fresh.level == .ok && fresh.values["count"] == 2)
        try Self.completeBackup("20261127_020000", in: backups, hoursAgo: 200)
        try Self.completeBackup("20261125_020000", in: backups, hoursAgo: 200)
        #expect(checker.backupCheck(now: .now).level == .critical)
    }

    /// A backup directory with a minimal valid manifest written `hoursAgo`.
    static func completeBackup(_ id: String, in backups: URL, hoursAgo: Double) throws {
        let directory = backups.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifest = """
            {"format": 1, "id": "\(id)", "kind": "standard", "createdAt": "2026-11-25T02:00:00Z",
             "finishedAt": "2026-11-25T02:00:05Z", "stockschoolVersion": "0.8.0", "schemaVersion": 6,
             "backend": "sqlite", "store": "sqlite:///x", "databaseFile": "database.sqlite",
             "rowCounts": {"stock_daily": 1}, "files": []}
            """
        try touch(directory.appendingPathComponent("manifest.json"), hoursAgo: hoursAgo, contents: manifest)
    }

    @Test func diskUseAgreesWithDf() throws {
        let path = FileManager.default.temporaryDirectory.path
        let usage = try #require(DiskUsage.measure(path))
        let df = Process()
        df.executableURL = URL(fileURLWithPath: "/bin/df")
        df.arguments = ["-P", path]
        let pipe = Pipe()
        df.standardOutput = pipe
        try df.run()
        df.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let fields = output.split(separator: "\n")[1].split(separator: " ", omittingEmptySubsequences: true)
        // df -P: Filesystem 1024-blocks Used Available Capacity Mounted-on; Capacity rounds up.
        let capacity = try #require(Double(fields[4].dropLast()))
        #expect(abs(usage.usedPercent - capacity) <= 1.0)
        // Thresholds: 80 warning, 85 critical, as configured.
        var configuration = StockSchoolConfiguration()
        configuration.dataDirectory = path
        configuration.ops.backupDirectory = path
        configuration.ops.diskWarningPercent = max(0, usage.usedPercent - 1)
        configuration.ops.diskCriticalPercent = 100
        let checks = HealthChecker(configuration: configuration, apiURL: nil).diskChecks()
        #expect(checks.map(\.level) == [.warning, .warning])
        // A directory that does not exist yet is measured where it would be made.
        #expect(
            DiskUsage.measure(path + "/not/yet/here")?.measuredPath
                == URL(fileURLWithPath: path).standardizedFileURL.path)
    }
}
