import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolOps

@Suite struct BackupTests {
    /// A store with two months of a 12-stock sample market, a backup directory and a log
    /// directory of its own; `body` gets the configuration pointing at all three.
    static func withMarket<T>(
        _ backend: TestBackend, _ body: (TestStore, StockSchoolConfiguration) async throws -> T
    ) async throws -> T {
        try await TestStore.scoped(backend) { test in
            let (start, end) = (TradeDate(unchecked: 2024_01_01), TradeDate(unchecked: 2024_02_29))
            try await SyncEngine(
                source: SampleSource(SampleMarketConfiguration(stocks: 12, start: start, end: end, seed: 7)),
                store: test.store
            ).run(SyncRequest(start: start, end: end))
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ss-backup-\(UUID())")
            defer { try? FileManager.default.removeItem(at: scratch) }
            var configuration = StockSchoolConfiguration()
            configuration.databaseURL = test.url
            configuration.ops.backupDirectory = scratch.appendingPathComponent("backups").path
            configuration.ops.logDirectory = scratch.appendingPathComponent("logs").path
            return try await body(test, configuration)
        }
    }

    /// Every table's rows, rendered and sorted: two stores hold the same data exactly when these
    /// are equal (a checksum that cannot collide).
    static func tableContents(_ url: String) async throws -> [String: [String]] {
        let store = try await openStore(url: url)
        do {
            var contents: [String: [String]] = [:]
            let tables = try await store.query(SQLStatement(TableCensus.tablesSQL(store.dialect)))
                .compactMap { $0.first?.string }
            for table in tables {
                let rows = try await store.query(SQLStatement("SELECT * FROM \(quotedIdentifier(table))"))
                contents[table] = rows.map { $0.map(\.description).joined(separator: "|") }.sorted()
            }
            try await store.close()
            return contents
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// A scratch store that is only checked (`verify`, `restore-test`) is loaded into UNLOGGED
    /// tables, which write no WAL; one restored to be swapped in gets permanent tables and
    /// indexes, as a live store must survive a crash.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func postgresScratchIsUnloggedOnlyWhenItIsNotSwappedIn() async throws {
        try await Self.withMarket(.postgres) { test, configuration in
            guard case .postgres(let location) = try StoreURL(test.url) else { return }
            let backup = try await BackupCreator(configuration: configuration, configFile: nil, environment: [:])
                .create(kind: .standard, tag: nil)
            let backend = PostgresBackupBackend(location: location, displayURL: test.url, compressionLevel: 0)
            let dump = (backup.path as NSString).appendingPathComponent(backup.manifest.databaseFile)
            for nearLive in [false, true] {
                let scratch = try await backend.restoreScratch(
                    dump: dump, label: nearLive ? "swap" : "check", nearLive: nearLive,
                    workDirectory: configuration.ops.backupDirectory, indexes: true)
                let session = try await PostgresSession.open(location, database: scratch.location)
                let persistence = try await session.query(
                    SQLStatement(
                        "SELECT c.relpersistence::text, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') GROUP BY 1"))
                let rows = try await session.query(SQLStatement("SELECT count(*) FROM stock_daily"))
                await session.close()
                await scratch.drop()
                #expect(persistence.count == 1, "\(persistence)")
                #expect(persistence.first?[0].string == (nearLive ? "p" : "u"), "\(persistence)")
                // Every table of the schema and its keys and indexes, not just a few.
                #expect(Int(persistence.first?[1].int ?? 0) >= 2 * backup.manifest.rowCounts.count)
                #expect(rows.first?[0].int.map(Int.init) == backup.manifest.rowCounts["stock_daily"])
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func restoreRoundTripGivesIdenticalTablesAndKeepsAnEmergencyBackup(_ backend: TestBackend) async throws {
        try await Self.withMarket(backend) { test, configuration in
            let creator = BackupCreator(configuration: configuration, configFile: nil, environment: [:])
            let before = try await Self.tableContents(test.url)
            let dailyRows = try #require(before["stock_daily"]?.count)
            #expect(dailyRows > 400)
            let backup = try await creator.create(kind: .standard, tag: nil)
            #expect(backup.manifest.rowCounts["stock_daily"] == dailyRows)
            #expect(backup.manifest.schemaVersion == Migration.latestVersion)
            #expect(backup.manifest.backend == (backend == .sqlite ? "sqlite" : "postgres"))

            // Damage the live store after the backup.
            try await test.store.query(SQLStatement("DELETE FROM stock_daily WHERE trade_date >= 20240201"))
            try await test.store.query(SQLStatement("DELETE FROM stock_basic"))
            let damaged = try await Self.tableContents(test.url)
            #expect(damaged != before)
            let damagedDaily = try #require(damaged["stock_daily"]?.count)

            let restorer = BackupRestorer(creator: creator)
            if backend == .postgres {
                // The test's own connection pool is a session on the database: refused.
                await #expect {
                    try await restorer.restore(backup.id.description, terminateSessions: false)
                } throws: { error in
                    guard case BackupError.storeInUse = error else { return false }
                    return true
                }
            }
            try await test.store.close()
            let outcome = try await restorer.restore(backup.id.description, terminateSessions: false)
            #expect(try await Self.tableContents(test.url) == before)
            if case .postgres(let location) = try StoreURL(test.url) {
                // The restored store was a marked scratch store; live, it carries no mark.
                let store = try await openStore(url: test.url)
                let comment = try await store.query(
                    SQLStatement(
                        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?",
                        [.text(location.database)]))
                try await store.close()
                #expect(comment.first?.first == .null)
            }

            // The emergency backup holds the damaged store, and is itself restorable.
            let emergencyID = try #require(outcome.emergencyBackup)
            #expect(emergencyID.hasSuffix("_emergency"))
            let (_, emergency) = try BackupCatalog(directory: configuration.ops.backupDirectory).resolve(emergencyID)
            #expect(emergency.rowCounts["stock_daily"] == damagedDaily)
            #expect(emergency.rowCounts["stock_basic"] == 0)
            _ = try await BackupVerifier(configuration: configuration).verify(emergencyID)
            // No scratch store is left behind.
            if case .sqlite(let path) = try StoreURL(test.url) {
                let directory = (path as NSString).deletingLastPathComponent
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                    $0.hasSuffix(".restoring")
                }
                #expect(leftovers.isEmpty)
            }
        }
    }

    /// A process that has exited: its pid names no running process.
    static func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// A verify killed mid-restore leaves its scratch store (a whole copy of the store); the next
    /// verify removes it, names it, and leaves alone the scratch stores of a process still
    /// running and of another host.
    @Test(arguments: TestBackend.available)
    func aScratchStoreLeftByAKilledRunIsRemovedByTheNext(_ backend: TestBackend) async throws {
        try await Self.withMarket(backend) { test, configuration in
            let backup = try await BackupCreator(configuration: configuration, configFile: nil, environment: [:])
                .create(kind: .standard, tag: nil)
            // What a run writes on the scratch store it makes: the mark the sweep reads.
            let backend = try BackupBackends.make(configuration: configuration)
            let made = try await backend.restoreScratch(
                dump: (backup.path as NSString).appendingPathComponent(backup.manifest.databaseFile), label: "mark",
                nearLive: false, workDirectory: configuration.ops.backupDirectory, indexes: false)
            switch try StoreURL(test.url) {
            case .sqlite(let path):
                #expect(
                    (made.location as NSString).lastPathComponent
                        == ".\((path as NSString).lastPathComponent).mark.\(getpid())@\(ScratchOwner.host).restoring")
            case .postgres(let location):
                let comment = try await test.store.query(
                    SQLStatement(
                        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?",
                        [.text(made.location)]))
                #expect(
                    comment.first?.first?.string
                        == "stockschool scratch of \(location.database): \(getpid())@\(ScratchOwner.host)")
            }
            await made.drop()

            let dead = try Self.deadProcessID()
            let owners = [
                "dead": "\(dead)@\(ScratchOwner.host)", "running": "\(getpid())@\(ScratchOwner.host)",
                "elsewhere": "\(dead)@another_host",
            ]
            switch try StoreURL(test.url) {
            case .sqlite(let path):
                let file = (path as NSString).lastPathComponent
                let folders = [
                    "dead": configuration.ops.backupDirectory, "running": (path as NSString).deletingLastPathComponent,
                    "elsewhere": configuration.ops.backupDirectory,
                ]
                var scratch: [String: String] = [:]
                for (who, owner) in owners {
                    let folder = try #require(folders[who])
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    scratch[who] = (folder as NSString).appendingPathComponent(
                        ".\(file).verify_20240101_000000.\(owner).restoring")
                    try "copy".write(toFile: try #require(scratch[who]), atomically: false, encoding: .utf8)
                }
                let deadWAL = try #require(scratch["dead"]) + "-wal"
                try "log".write(toFile: deadWAL, atomically: false, encoding: .utf8)
                let report = try await BackupVerifier(configuration: configuration).verify(backup.id.description)
                #expect(!FileManager.default.fileExists(atPath: try #require(scratch["dead"])))
                #expect(!FileManager.default.fileExists(atPath: deadWAL))
                #expect(FileManager.default.fileExists(atPath: try #require(scratch["running"])))
                #expect(FileManager.default.fileExists(atPath: try #require(scratch["elsewhere"])))
                #expect(
                    report.steps.contains {
                        $0.contains(".\(file).verify_20240101_000000.\(dead)@") && $0.contains("killed run")
                    }, "\(report.steps)")
                for path in scratch.values { try? FileManager.default.removeItem(atPath: path) }
            case .postgres(let location):
                var names: [String: String] = [:]
                for (who, owner) in owners {
                    let name = "\(location.database)_scratch_\(who)"
                    names[who] = name
                    try await test.store.query(SQLStatement("CREATE DATABASE \(quotedIdentifier(name))"))
                    try await test.store.query(
                        SQLStatement(
                            "COMMENT ON DATABASE \(quotedIdentifier(name)) IS 'stockschool scratch of \(location.database): \(owner)'"
                        ))
                }
                // A database of another store, marked as its scratch, is not this store's.
                let other = "\(location.database)_scratch_other"
                try await test.store.query(SQLStatement("CREATE DATABASE \(quotedIdentifier(other))"))
                try await test.store.query(
                    SQLStatement(
                        "COMMENT ON DATABASE \(quotedIdentifier(other)) IS 'stockschool scratch of somewhere_else: \(owners["dead"] ?? "")'"
                    ))
                let report = try await BackupVerifier(configuration: configuration).verify(backup.id.description)
                let left = Set(
                    try await test.store.query(
                        SQLStatement(
                            "SELECT datname FROM pg_database WHERE datname LIKE ?",
                            [.text("\(location.database)_scratch_%")])
                    ).compactMap { $0.first?.string })
                #expect(
                    left
                        == [names["running"], names["elsewhere"], other].compactMap { $0 }.reduce(into: Set()) {
                            $0.insert($1)
                        })
                #expect(
                    report.steps.contains { $0.contains(names["dead"] ?? "?") && $0.contains("killed run") },
                    "\(report.steps)")
                for name in left {
                    try await test.store.query(
                        SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(name)) WITH (FORCE)"))
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func corruptingOneByteOfAnyFileFailsVerifyNamingTheFile(_ backend: TestBackend) async throws {
        try await Self.withMarket(backend) { test, configuration in
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("ss-config-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: config) }
            try "log:\n  level: info\n".write(to: config, atomically: true, encoding: .utf8)
            let backup = try await BackupCreator(
                configuration: configuration, configFile: config.path, environment: ["STOCKSCHOOL_LOG_LEVEL": "info"]
            ).create(kind: .full, tag: nil)
            let verifier = BackupVerifier(configuration: configuration)
            let report = try await verifier.verify(nil)
            #expect(report.id == backup.id.description)
            #expect(backup.manifest.files.count >= 3)
            for file in backup.manifest.files where file.size > 0 {
                let path = (backup.path as NSString).appendingPathComponent(file.path)
                let handle = try #require(FileHandle(forUpdatingAtPath: path))
                let offset = UInt64(file.size / 2)
                try handle.seek(toOffset: offset)
                let original = try #require(try handle.read(upToCount: 1)?.first)
                try handle.seek(toOffset: offset)
                try handle.write(contentsOf: Data([original ^ 0x01]))
                await #expect {
                    try await verifier.verify(backup.id.description)
                } throws: { error in
                    guard case BackupError.checksumMismatch(_, let named, _, _) = error else { return false }
                    return named == file.path
                }
                try handle.seek(toOffset: offset)
                try handle.write(contentsOf: Data([original]))
                try handle.close()
            }
            _ = try await verifier.verify(backup.id.description)
            // A file added after the backup, and a listed file gone, are named too.
            let extra = (backup.path as NSString).appendingPathComponent("config/extra")
            try "x".write(toFile: extra, atomically: true, encoding: .utf8)
            await #expect(throws: BackupError.unexpectedFile(id: backup.id.description, file: "config/extra")) {
                try await verifier.verify(backup.id.description)
            }
            try FileManager.default.removeItem(atPath: extra)
            let environment = (backup.path as NSString).appendingPathComponent("config/environment")
            try FileManager.default.removeItem(atPath: environment)
            await #expect(throws: BackupError.fileMissing(id: backup.id.description, file: "config/environment")) {
                try await verifier.verify(backup.id.description)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aTruncatedDumpIsCaughtAndReportedAsSuch(_ backend: TestBackend) async throws {
        try await Self.withMarket(backend) { test, configuration in
            let backup = try await BackupCreator(configuration: configuration, configFile: nil, environment: [:])
                .create(kind: .standard, tag: nil)
            let dump = (backup.path as NSString).appendingPathComponent(backup.manifest.databaseFile)
            let size = try #require(backup.manifest.files.first { $0.path == backup.manifest.databaseFile }?.size)
            let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("ss-truncated-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: truncated) }
            try FileManager.default.copyItem(atPath: dump, toPath: truncated)
            let handle = try #require(FileHandle(forWritingAtPath: truncated))
            try handle.truncate(atOffset: UInt64(size * 2 / 3))
            try handle.close()
            // The read-back that `create` runs on every dump rejects it…
            let backupBackend = try BackupBackends.make(configuration: configuration)
            await #expect {
                try await backupBackend.checkReadable(dump: truncated)
            } throws: { error in
                guard case BackupError.emptyDump = error else { return false }
                return true
            }
            try await backupBackend.checkReadable(dump: dump)
            // …and a backup whose dump was cut short fails verify by its size.
            try FileManager.default.removeItem(atPath: dump)
            try FileManager.default.copyItem(atPath: truncated, toPath: dump)
            await #expect(
                throws: BackupError.sizeMismatch(
                    id: backup.id.description, file: backup.manifest.databaseFile, expected: size,
                    actual: Int64(size * 2 / 3))
            ) {
                try await BackupVerifier(configuration: configuration).verify(nil)
            }
        }
    }

    /// Daily backups at 02:00 UTC from 2026-01-01 to 2026-11-27 (a Friday, ISO week 48). Kept:
    /// the 7 newest days (11-21…11-27); the newest of ISO weeks 48…45 (11-27, 11-22, 11-15,
    /// 11-08); the newest of months 2026-11…2026-06 (11-27, 10-31, 09-30, 08-31, 07-31, 06-30).
    static let expectedKept: Set<String> = [
        "20261121_020000", "20261122_020000", "20261123_020000", "20261124_020000", "20261125_020000",
        "20261126_020000", "20261127_020000", "20261115_020000", "20261108_020000", "20261031_020000",
        "20260930_020000", "20260831_020000", "20260731_020000", "20260630_020000",
    ]

    static var dailyIDs: [BackupID] {
        let utc = TimeZone(identifier: "UTC") ?? .current
        let first = Date(timeIntervalSince1970: 1_767_232_800)  // 2026-01-01T02:00:00Z
        return (0..<331).map { BackupID(time: first.addingTimeInterval(Double($0) * 86_400), tag: nil, timeZone: utc) }
    }

    @Test func retentionKeepsSevenDailyFourWeeklySixMonthly() throws {
        let ids = Self.dailyIDs
        #expect(ids.first?.description == "20260101_020000" && ids.last?.description == "20261127_020000")
        let kept = BackupRetention(daily: 7, weekly: 4, monthly: 6).keep(
            ids, timeZone: TimeZone(identifier: "UTC") ?? .current)
        #expect(Set(kept.keys.map(\.description)) == Self.expectedKept)
        #expect(kept[try BackupID("20261122_020000")] == ["daily 2026-11-22", "weekly 2026-W47"])
        // Tagged backups take no slot and stay while their day is among the 7 most recent: the
        // emergency backup of 11-27 and the pre-release one of 11-21 stay, 11-20's goes; the
        // nightly backups keep exactly their slots.
        let tagged = try ["20261127_150000_emergency", "20261121_100000_pre-release", "20261120_100000_pre-release"]
            .map { try BackupID($0) }
        let withTagged = BackupRetention(daily: 7, weekly: 4, monthly: 6).keep(
            ids + tagged, timeZone: TimeZone(identifier: "UTC") ?? .current)
        #expect(
            Set(withTagged.keys.map(\.description))
                == Self.expectedKept.union(["20261127_150000_emergency", "20261121_100000_pre-release"]))
        // Nothing configured still keeps the newest backup.
        #expect(
            BackupRetention(daily: 0, weekly: 0, monthly: 0).keep(ids).keys.map(\.description) == ["20261127_020000"])
    }

    @Test func pruneRemovesExactlyWhatRetentionDoesNotKeep() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ss-prune-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        for id in Self.dailyIDs {
            try HealthCheckTests.completeBackup(id.description, in: directory, hoursAgo: 1)
        }
        // Left by killed runs: a directory without manifest and a hidden partial one.
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("20261127_030000"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(".20261127_040000.partial"), withIntermediateDirectories: true)
        var pruner = BackupPruner(
            directory: directory.path, retention: BackupRetention(daily: 7, weekly: 4, monthly: 6))
        pruner.timeZone = TimeZone(identifier: "UTC") ?? .current
        let planned = try pruner.prune(dryRun: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 333)
        #expect(Set(planned.filter(\.keep).map(\.id)) == Self.expectedKept)
        _ = try pruner.prune(dryRun: false)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(left == Self.expectedKept)
    }

    @Test func backupIDsParseTheManualsFormAndNothingElse() throws {
        #expect(try BackupID("20240101_020000").description == "20240101_020000")
        #expect(try BackupID("20240101_020000_emergency").tag == .emergency)
        #expect(try BackupID("20240101_020000_pre-release").tag == .preRelease)
        for bad in ["20240101", "20240101_0200", "20241301_020000", "20240101_250000", "20240101_020000_daily", "../x"]
        {
            #expect(throws: BackupError.invalidID(bad)) { try BackupID(bad) }
        }
    }

    @Test func configurationSnapshotsRedactSecretsButKeepEncryptedOnes() {
        let yaml = """
            database:
              url: postgres://stockschool:s3cret@db:5432/stockschool
            tushare:
              token: 0123456789abcdef   # from the Tushare site
            alerts:
              email:
                password: "hunter2"
                to: ops@example.com
              slack:
                webhook_url: https://hooks.slack.com/services/T000/B000/XXXX
            api:
              admin_key: fernet:gAAAAABnExample==
            """
        let redacted = ConfigurationSnapshot.redactYAML(yaml)
        #expect(!redacted.contains("s3cret") && redacted.contains("postgres://stockschool:***@db:5432/stockschool"))
        #expect(!redacted.contains("0123456789abcdef") && redacted.contains("  token: \"<redacted>\""))
        #expect(!redacted.contains("hunter2") && redacted.contains("    password: \"<redacted>\""))
        #expect(redacted.contains("to: ops@example.com"))
        #expect(!redacted.contains("XXXX") && redacted.contains("webhook_url: \"<redacted>\""))
        #expect(redacted.contains("admin_key: fernet:gAAAAABnExample=="))
        #expect(
            ConfigurationSnapshot.redactValue(key: "STOCKSCHOOL_TUSHARE_TOKEN", value: "abc") == "<redacted>")
        #expect(ConfigurationSnapshot.redactValue(key: "STOCKSCHOOL_LOG_LEVEL", value: "info") == "info")
    }
}
