import AsyncHTTPClient
import Foundation
import NIOCore
import StockSchoolTestSupport
import Testing

/// A real Prometheus (Debian's) scrapes a running server and evaluates the production alert rules
/// from deploy/ against what it scraped. Required in CI; elsewhere it runs when `prometheus` is
/// installed.
@Suite struct PrometheusScrapeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var prometheus: String? {
        ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func prometheusScrapesTheAPIAndItsRulesEvaluate() async throws {
        guard let binary = Self.prometheus else {
            if TestEnvironment.isCI {
                Issue.record("CI=true but prometheus is not installed (scripts/test.sh installs it)")
            }
            return
        }
        try await TestServer.with(.sqlite) { server in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ss-prom-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            // One extra rule that must fire on a healthy server proves the path end to end:
            // scrape → rule evaluation → firing alert.
            let probe = """
                groups:
                  - name: probe
                    rules:
                      - alert: DatabaseAnswers
                        expr: stockschool_dependency_up{dependency="database"} == 1
                        labels: {severity: info}
                """
            try probe.write(to: directory.appendingPathComponent("probe.yml"), atomically: true, encoding: .utf8)
            let rules = Self.repository.appendingPathComponent("deploy/prometheus/rules/stockschool.yml").path
            let config = """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ["\(rules)", "\(directory.path)/probe.yml"]
                scrape_configs:
                  - job_name: stockschool-api
                    static_configs: [{targets: ["127.0.0.1:\(server.server.port)"]}]
                """
            try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
            let port = try await freeTCPPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/data",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
            process.standardOutput = FileHandle.nullDevice
            let log = directory.appendingPathComponent("prometheus.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let api = "http://127.0.0.1:\(port)/api/v1"

            // The target is up, the production rules loaded and evaluated without error, and
            // the probe alert fires.
            var targetUp = false
            var rulesHealthy = false
            var firing = false
            var ruleCount = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline && !(targetUp && rulesHealthy && firing) {
                try await Task.sleep(for: .milliseconds(500))
                guard let targets = try? await Self.json("\(api)/targets") else { continue }
                let active = ((targets["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
                targetUp = active.contains { $0["health"] as? String == "up" }
                guard let rulesReply = try? await Self.json("\(api)/rules") else { continue }
                let groups = ((rulesReply["data"] as? [String: Any])?["groups"] as? [[String: Any]]) ?? []
                let all = groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
                ruleCount = all.count
                rulesHealthy =
                    !all.isEmpty
                    && all.allSatisfy { $0["health"] as? String == "ok" && $0["lastEvaluation"] as? String != nil }
                    && all.contains { ($0["lastEvaluation"] as? String)?.hasPrefix("0001") == false }
                guard let alerts = try? await Self.json("\(api)/alerts") else { continue }
                let list = ((alerts["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
                firing = list.contains {
                    ($0["labels"] as? [String: Any])?["alertname"] as? String == "DatabaseAnswers"
                        && $0["state"] as? String == "firing"
                }
            }
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(targetUp, "prometheus never scraped the API up; its log:\n\(output.suffix(2000))")
            #expect(rulesHealthy, "rules did not all evaluate healthy (\(ruleCount) rules)")
            #expect(ruleCount >= 15)
            #expect(firing, "the probe alert never fired")

            // What it scraped is what the server exports: a healthy server has its database up
            // and StockSchoolDown does not fire.
            // The last value scraped in the past 30 s: with a 1 s interval (and so a 1 s scrape
            // timeout) one slow scrape on a loaded machine leaves a staleness marker, and an
            // instant query at that moment would find no sample at all.
            let expression = "last_over_time(stockschool_dependency_up%7Bdependency%3D%22database%22%7D%5B30s%5D)"
            let query = try await Self.json("\(api)/query?query=\(expression)")
            let result = ((query["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
            let value = (result.first?["value"] as? [Any])?.last as? String
            #expect(value == "1")
            // Firing, not pending: on a loaded machine one scrape that times out (1 s) makes
            // `sum(up) == 0` true for an evaluation, which only starts the rule's minute.
            let alerts = try await Self.json("\(api)/alerts")
            let firingNames = (((alerts["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []).compactMap {
                $0["state"] as? String == "firing" ? ($0["labels"] as? [String: Any])?["alertname"] as? String : nil
            }
            #expect(!firingNames.contains("StockSchoolDown"))
        }
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }
}
