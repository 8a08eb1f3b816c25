import Foundation
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `stockschool backup` and `scripts/deployment/backup.sh` as an operator runs them.
@Suite struct BackupCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `bash -c script` in `directory` with `STOCKSCHOOL_BIN` set to the built executable.
    static func bash(_ script: String, in directory: URL) async throws -> CLITests.Result {
        try await CLITests.run(
            ["-c", script], in: directory, environment: ["STOCKSCHOOL_BIN": CLITests.executable.path],
            program: URL(fileURLWithPath: "/bin/bash"))
    }

    static func completeBackups(in directory: URL) throws -> [String] {
        let backups = directory.appendingPathComponent("backups")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: backups.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: backups.appendingPathComponent("\($0)/manifest.json").path)
        }.sorted()
    }

    @Test func backupScriptRunsTheManualsCommands() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = Self.repository.appendingPathComponent("scripts/deployment/backup.sh").path
        let sync = try await CLITests.run(
            ["sync", "--source", "sample", "--stocks", "10", "--start", "20240101", "--end", "20240331"], in: directory)
        #expect(sync.status == 0, "\(sync.stderr)")

        // A pre-release backup takes no retention slot: the prune after the next backup keeps it.
        let first = try await Self.bash("\(script) backup --pre-release", in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let full = try await Self.bash("\(script) backup --full", in: directory)
        #expect(full.status == 0, "\(full.stderr)")
        let ids = try Self.completeBackups(in: directory)
        #expect(ids.count == 2)
        #expect(ids.filter { $0.hasSuffix("_pre-release") }.count == 1)
        let fullID = try #require(ids.first { !$0.hasSuffix("_pre-release") })
        #expect(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("backups/\(fullID)/logs").path))

        let list = try await Self.bash("\(script) list", in: directory)
        #expect(list.status == 0 && ids.allSatisfy { list.stdout.contains($0) })
        let verify = try await Self.bash("\(script) verify", in: directory)
        #expect(verify.status == 0 && verify.stdout.contains("verified"), "\(verify.stderr)")
        let drill = try await Self.bash("\(script) restore-test", in: directory)
        #expect(drill.status == 0 && drill.stdout.contains("integrity_check: ok"), "\(drill.stderr)")

        let restore = try await Self.bash("\(script) restore \(ids[0])", in: directory)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.completeBackups(in: directory).contains { $0.hasSuffix("_emergency") })

        // Bad usage is exit 2 and says what is wrong; a missing backup is a failure, logged.
        let badID = try await Self.bash("\(script) verify 2024-01-01", in: directory)
        #expect(badID.status == 2 && badID.stderr.contains("'2024-01-01' is not a backup id"))
        let badCommand = try await Self.bash("\(script) snapshot", in: directory)
        #expect(badCommand.status == 2 && badCommand.stderr.contains("unknown command 'snapshot'"))
        let missing = try await Self.bash("\(script) restore 20200101_000000", in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("no backup 20200101_000000"))
        let log = try String(
            contentsOf: directory.appendingPathComponent("logs/stockschool-backup.log"), encoding: .utf8)
        #expect(log.contains("error [stockschool.backup] backup restore 20200101_000000 failed"))
    }

    /// A dump that cannot be written whole (here: a file-size limit, as a full disk would) fails
    /// `create` with a non-zero exit, leaves no backup behind, and is logged as an error.
    @Test(arguments: TestBackend.available)
    func aDumpCutShortFailsCreateAndLeavesNothing(_ backend: TestBackend) async throws {
        try await TestStore.scoped(backend, migrate: false) { test in
            let directory = try CLITests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let storeURL = backend == .sqlite ? "sqlite://\(directory.path)/data/store.sqlite" : test.url
            try await test.store.close()
            let sync = try await CLITests.run(
                [
                    "sync", "--source", "sample", "--stocks", "10", "--start", "20240101", "--end", "20240331",
                    "--store", storeURL,
                ],
                in: directory)
            #expect(sync.status == 0, "\(sync.stderr)")
            let cut = try await Self.bash(
                "ulimit -f 16; exec \"$STOCKSCHOOL_BIN\" backup create --store '\(storeURL)'", in: directory)
            #expect(cut.status == 1, "\(cut.stdout) \(cut.stderr)")
            #expect(cut.stderr.contains("error:"))
            #expect(!cut.stdout.contains("created"))
            let left =
                (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("backups").path))
                ?? []
            #expect(left.filter { $0 != ".lock" }.isEmpty, "\(left)")
            let log = try String(
                contentsOf: directory.appendingPathComponent("logs/stockschool-backup.log"), encoding: .utf8)
            #expect(log.contains("error [stockschool.backup] backup create failed"))
            // Without the limit the same backup succeeds.
            let whole = try await CLITests.run(["backup", "create", "--store", storeURL], in: directory)
            #expect(whole.status == 0, "\(whole.stderr)")
            #expect(try Self.completeBackups(in: directory).count == 1)
        }
    }
}
