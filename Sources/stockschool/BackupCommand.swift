import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Backups: create, list, verify, restore, restore-test, prune.",
        discussion: """
            A backup is a directory backup.dir/YYYYMMDD_HHMMSS[_tag] (default ./backups)
            holding the database (SQLite online-backup copy, or pg_dump -Fc), the Redis
            snapshot when redis.url is set, the configuration with secrets redacted, the
            logs (--full), and manifest.json: id, kind, version, schema version, rows per
            table, size and SHA-256 of every file. A backup without its manifest is
            unfinished and never used.

            Every failure exits non-zero and writes an error line to
            log.dir/stockschool-backup.log, which `stockschool health` counts and the
            alert rules raise. scripts/deployment/backup.sh runs these as the operations
            manual writes them; docs/operations.md has the recovery runbooks.
            """,
        subcommands: [
            BackupCreateCommand.self, BackupListCommand.self, BackupVerifyCommand.self, BackupRestoreCommand.self,
            BackupRestoreTestCommand.self, BackupPruneCommand.self,
        ])

    /// Runs `body` under the backup lock and logs the outcome: `success`'s line (none when it
    /// returns `nil`), or the failure. A `BackupError` about the id the user typed is bad usage
    /// (exit 2), any other failure exit 1.
    static func logged<T>(
        _ configuration: StockSchoolConfiguration, _ what: String, success: (T) -> String?,
        _ body: () async throws -> T
    ) async throws -> T {
        let log = BackupEventLog(configuration: configuration)
        do {
            let result = try await BackupLock.run(directory: configuration.ops.backupDirectory, body)
            if let line = success(result) { log.succeeded(line) }
            return result
        } catch let error as BackupError {
            log.failed("\(what) failed: \(error)")
            if case .invalidID = error { throw ValidationError(error.description) }
            throw CommandFailure(description: error.description)
        } catch let error as StockSchoolError {
            log.failed("\(what) failed: \(error.description)")
            throw error
        } catch {
            log.failed("\(what) failed: \(error)")
            throw CommandFailure(description: "\(what) failed: \(error)")
        }
    }

    static func configFile(_ global: GlobalOptions) -> String? {
        global.config ?? (FileManager.default.fileExists(atPath: "stockschool.yaml") ? "stockschool.yaml" : nil)
    }

    static func printSteps(_ steps: [String]) {
        for step in steps { print("  ✓ \(step)") }
    }
}

struct BackupCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Take a backup now.",
        discussion: """
            The dump is read back whole before the backup counts as taken (SQLite
            quick_check; the whole pg_dump archive through pg_restore), every file is
            hashed into the manifest, and only then is the directory renamed from
            .<id>.partial to <id>.

            Examples:
              stockschool backup create                      # nightly: database, Redis, config
              stockschool backup create --full               # weekly: also the logs
              stockschool backup create --tag pre-release    # before a rolling update
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also back up the logs (the manual's weekly full backup).")
    var full = false

    @Option(help: ArgumentHelp("Mark the backup: emergency or pre-release.", valueName: "tag"))
    var tag: String?

    @Flag(help: "Leave out the Redis snapshot even when redis.url is set (the cache refills itself).")
    var noRedis = false

    func validate() throws {
        if let tag, BackupTag(rawValue: tag) == nil {
            throw ValidationError("--tag must be emergency or pre-release, got '\(tag)'")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        // A write over a file-size limit fails with EFBIG, reported, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        var creator = BackupCreator(configuration: configuration, configFile: BackupCommand.configFile(global))
        creator.skipRedis = noRedis
        let outcome = try await BackupCommand.logged(
            configuration, "backup create",
            success: {
                "backup \($0.id) created: \($0.manifest.rowCounts.values.reduce(0, +)) rows, \($0.manifest.totalBytes) bytes"
            }
        ) {
            try await creator.create(kind: full ? .full : .standard, tag: tag.flatMap(BackupTag.init(rawValue:)))
        }
        let rows = outcome.manifest.rowCounts.values.reduce(0, +)
        if global.json {
            try Output.json(outcome.manifest)
            return
        }
        print("Backup \(outcome.id) created in \(outcome.path) (\(String(format: "%.1f", outcome.seconds)) s)")
        print(
            "  \(outcome.manifest.files.count) files, \(Output.bytes(outcome.manifest.totalBytes)); "
                + "\(outcome.manifest.rowCounts.count) tables, \(Output.grouped(rows)) rows; schema version \(outcome.manifest.schemaVersion)"
        )
    }
}

struct BackupListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The backups in backup.dir, newest first.",
        discussion: """
            Status: complete (has its manifest), or the reason it is not (an unfinished
            backup left by a killed run; `backup prune` removes those).

            Examples:
              stockschool backup list
              stockschool backup list --json | jq -r '.[0].id'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let entries = BackupCatalog(directory: configuration.ops.backupDirectory).entries().reversed()
        struct Item: Encodable {
            let id: String
            let status: String
            let kind: String?
            let tag: String?
            let createdAt: String?
            let bytes: Int64?
            let schemaVersion: Int?
            let backend: String?
            let rows: Int?
        }
        let items = entries.map { entry in
            Item(
                id: entry.id.description, status: entry.problem.map { "\($0)" } ?? "complete",
                kind: entry.manifest?.kind.rawValue, tag: entry.manifest?.tag?.rawValue,
                createdAt: entry.manifest?.createdAt, bytes: entry.manifest?.totalBytes,
                schemaVersion: entry.manifest?.schemaVersion, backend: entry.manifest?.backend,
                rows: entry.manifest?.rowCounts.values.reduce(0, +))
        }
        if global.json {
            try Output.json(items)
            return
        }
        guard !items.isEmpty else {
            print("No backups in \(configuration.ops.backupDirectory) yet (stockschool backup create makes one).")
            return
        }
        print("Backups in \(configuration.ops.backupDirectory):\n")
        Output.table(
            ["id", "kind", "store", "size", "rows", "schema", "status"],
            items.map {
                [
                    $0.id, $0.kind ?? "", $0.backend ?? "", $0.bytes.map(Output.bytes) ?? "",
                    $0.rows.map(Output.grouped) ?? "", $0.schemaVersion.map(String.init) ?? "",
                    $0.status == "complete" ? "complete" : "incomplete",
                ]
            })
    }
}

struct BackupVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a backup's files and restore it into a scratch store to count its rows.",
        discussion: """
            Re-hashes every file against the manifest (naming the first that differs),
            checks the Redis snapshot's header, restores the database into a scratch store
            (a copy of the SQLite file; a new database on the PostgreSQL server, dropped
            afterwards) and compares every table's row count with the manifest. The live
            store is never touched.

            Examples:
              stockschool backup verify                    # the newest backup
              stockschool backup verify 20261127_020000
              stockschool backup verify --all              # every backup, oldest first
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup id (default: the newest).", valueName: "id"))
    var id: String?

    @Flag(help: "Verify every complete backup.")
    var all = false

    func validate() throws {
        if all && id != nil { throw ValidationError("give a backup id or --all, not both") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let verifier = BackupVerifier(configuration: configuration)
        let ids: [String?] =
            all
            ? BackupCatalog(directory: configuration.ops.backupDirectory).complete().map { $0.id.description } : [id]
        var reports: [BackupVerifier.Report] = []
        for id in ids {
            let report = try await BackupCommand.logged(
                configuration, "backup verify \(id ?? "(newest)")", success: { "backup \($0.id) verified" }
            ) {
                try await verifier.verify(id)
            }
            reports.append(report)
            if !global.json {
                print("Backup \(report.id) verified (\(String(format: "%.1f", report.seconds)) s):")
                BackupCommand.printSteps(report.steps)
            }
        }
        if global.json { try Output.json(reports) }
    }
}

struct BackupRestoreTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore-test",
        abstract: "Restore a backup into a temporary store and check it fully (the monthly drill).",
        discussion: """
            Everything `verify` does, then on the restored store: PRAGMA integrity_check
            (SQLite) or the catalog and amcheck checks (PostgreSQL), and the health
            check's store checks (database, sync, quality, factors). The temporary store
            is removed afterwards.

            Examples:
              stockschool backup restore-test              # the newest backup
              stockschool backup restore-test 20261101_020000
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup id (default: the newest).", valueName: "id"))
    var id: String?

    func run() async throws {
        let configuration = try global.configuration()
        let report = try await BackupCommand.logged(
            configuration, "backup restore-test \(id ?? "(newest)")",
            success: { "backup \($0.id) passed its restore test" }
        ) {
            try await BackupVerifier(configuration: configuration).restoreTest(id)
        }
        if global.json {
            try Output.json(report)
            return
        }
        print("Backup \(report.id) restores and passes its checks (\(String(format: "%.1f", report.seconds)) s):")
        BackupCommand.printSteps(report.steps)
    }
}

struct BackupRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup (after an emergency backup of the current one).",
        discussion: """
            Steps: check the backup's files; take an emergency backup of the current
            store; restore into a new scratch store beside it (a file in the same
            directory, or a new database on the same server) and check its row counts and
            integrity; swap it in atomically (rename); count the live store's rows once
            more. Stop `serve` and `worker` first: a store in use is refused (PostgreSQL:
            --terminate-sessions ends the sessions instead). The Redis snapshot is not
            loaded: the cache refills itself.

            Examples:
              stockschool backup restore 20261127_020000
              stockschool backup restore 20261127_020000 --terminate-sessions
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup id to restore (stockschool backup list).", valueName: "id"))
    var id: String

    @Flag(help: "PostgreSQL: end other sessions on the database instead of refusing.")
    var terminateSessions = false

    func run() async throws {
        let configuration = try global.configuration()
        signal(SIGXFSZ, SIG_IGN)
        let restorer = BackupRestorer(
            creator: BackupCreator(configuration: configuration, configFile: BackupCommand.configFile(global)))
        let outcome = try await BackupCommand.logged(
            configuration, "backup restore \(id)",
            success: { "backup \($0.id) restored; emergency backup \($0.emergencyBackup ?? "none")" }
        ) {
            try await restorer.restore(id, terminateSessions: terminateSessions)
        }
        if global.json {
            try Output.json(outcome)
            return
        }
        print("Backup \(outcome.id) restored (\(String(format: "%.1f", outcome.seconds)) s):")
        BackupCommand.printSteps(outcome.steps)
        if let emergency = outcome.emergencyBackup {
            print(
                "The replaced store is kept in backup \(emergency) (stockschool backup restore \(emergency) undoes this)."
            )
        }
    }
}

struct BackupPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove backups outside the retention policy (7 daily, 4 weekly, 6 monthly).",
        discussion: """
            Keeps the newest backup of each of the backup.keep_daily (7) most recent days
            that have backups, of each of the backup.keep_weekly (4) most recent ISO
            weeks, and of each of the backup.keep_monthly (6) most recent months; the
            newest backup always. Removes the rest, and unfinished backups left by killed
            runs.

            Examples:
              stockschool backup prune --dry-run
              stockschool backup prune
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print what would be kept and removed; remove nothing.")
    var dryRun = false

    func run() async throws {
        let configuration = try global.configuration()
        let ops = configuration.ops
        let pruner = BackupPruner(
            directory: ops.backupDirectory,
            retention: BackupRetention(
                daily: ops.backupKeepDaily, weekly: ops.backupKeepWeekly, monthly: ops.backupKeepMonthly))
        let decisions = try await BackupCommand.logged(
            configuration, "backup prune",
            success: { decisions in
                let removed = decisions.filter { !$0.keep }.map(\.id)
                return dryRun ? nil : "backup prune removed \(removed.count): \(removed.joined(separator: " "))"
            }
        ) {
            try pruner.prune(dryRun: dryRun)
        }
        let removed = decisions.filter { !$0.keep }
        if global.json {
            try Output.json(decisions)
            return
        }
        Output.table(
            ["id", dryRun ? "would" : "action", "why"],
            decisions.map { [$0.id, $0.keep ? "keep" : "remove", $0.reasons.joined(separator: ", ")] })
        print("\n\(decisions.count - removed.count) kept, \(removed.count) \(dryRun ? "would be removed" : "removed").")
    }
}
