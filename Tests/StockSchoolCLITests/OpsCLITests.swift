import Foundation
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `stockschool health`, `alerts …` and the manual's monitoring scripts, run as an operator runs
/// them: exit codes are the contract cron and scripts rely on.
@Suite struct OpsCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func healthExitsTwoWhenTheDatabaseIsGoneAndTheScriptPassesItOn() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = "sqlite://\(directory.path)/none.sqlite"
        let direct = try await CLITests.run(["health", "--no-api", "--json", "--store", missing], in: directory)
        #expect(direct.status == 2, "\(direct.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any])
        #expect(report["level"] as? String == "critical")
        let checks = (report["checks"] as? [[String: Any]]) ?? []
        #expect(checks.first { $0["name"] as? String == "database" }?["level"] as? String == "critical")

        let script = Self.repository.appendingPathComponent("scripts/monitoring/health_check.sh").path
        let executable = CLITests.executable.path
        let status = try await offPool { () throws -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script, "--no-api", "--store", missing]
            process.environment = ProcessInfo.processInfo.environment.merging(["STOCKSCHOOL_BIN": executable]) {
                _, new in new
            }
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 2)
    }

    @Test(arguments: TestBackend.available)
    func alertsCheckRecordsListsAndSilences(_ backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let directory = try CLITests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            // A rule that fires on any store: the database answers.
            let rules = """
                rules:
                  - alert: DatabaseAnswers
                    signal: database_up
                    condition: "=="
                    threshold: 1
                    level: warning
                    summary: "database_up is {{ value }}"
                """
            try rules.write(to: directory.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
            let env = ["STOCKSCHOOL_ALERTS_RULES_FILE": directory.appendingPathComponent("alerts.yaml").path]
            let check = try await CLITests.run(
                ["alerts", "check", "--no-api", "--json", "--store", test.url], in: directory, environment: env)
            #expect(check.status == 1, "\(check.stderr)")
            let outcome = try #require(
                try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            let firing = (outcome["firing"] as? [[String: Any]]) ?? []
            #expect(firing.map { $0["alertname"] as? String } == ["DatabaseAnswers"])
            #expect(firing.first?["summary"] as? String == "database_up is 1")

            let silenced = try await CLITests.run(
                ["alerts", "silence", "--match", "alertname=DatabaseAnswers", "--for", "1h", "--store", test.url],
                in: directory)
            #expect(silenced.status == 0 && silenced.stdout.hasPrefix("silence 1:"), "\(silenced.stderr)")
            let list = try await CLITests.run(["alerts", "list", "--json", "--store", test.url], in: directory)
            let items =
                ((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["items"]
                    as? [[String: Any]]) ?? []
            #expect(items.count == 1 && items.first?["status"] as? String == "firing")

            // Bad input: a clear message and exit 2, nothing written.
            let noMatch = try await CLITests.run(["alerts", "silence", "--for", "1h", "--store", test.url])
            #expect(noMatch.status == 2 && noMatch.stderr.contains("label=value"))
            let badFor = try await CLITests.run([
                "alerts", "silence", "--match", "a=b", "--for", "soon", "--store", test.url,
            ])
            #expect(badFor.status == 2 && badFor.stderr.contains("--for"))
            let badRules = try await CLITests.run(
                ["alerts", "check", "--no-api", "--store", test.url], in: directory,
                environment: ["STOCKSCHOOL_ALERTS_RULES_FILE": "/nonexistent/alerts.yaml"])
            #expect(badRules.status != 0 && badRules.stderr.contains("/nonexistent/alerts.yaml"))
            let channel = try await CLITests.run(["alerts", "test", "--channel", "email", "--store", test.url])
            #expect(channel.status == 1 && channel.stderr.contains("alerts.email"))
        }
    }

    @Test func builtInRulesPrintAsAFileThatLoadsBack() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let printed = try await CLITests.run(["alerts", "rules"])
        #expect(printed.status == 0 && printed.stdout.contains("alert: SyncDelayed"))
        try printed.stdout.write(to: directory.appendingPathComponent("alerts.yaml"), atomically: true, encoding: .utf8)
        let reloaded = try await CLITests.run(
            ["alerts", "rules"],
            environment: ["STOCKSCHOOL_ALERTS_RULES_FILE": directory.appendingPathComponent("alerts.yaml").path])
        #expect(reloaded.status == 0 && reloaded.stdout.contains("15 rules, valid"))
    }
}
