import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// Health, /metrics, /openapi.json and /monitoring/sync/status over real HTTP.
@Suite struct OperationsRoutesTests {
    /// The OpenAPI document lists exactly the routes the router answers: every documented
    /// operation answers something other than 404 "no route", and every route is documented.
    @Test func openAPIListsExactlyTheRegisteredRoutes() async throws {
        try await TestServer.with(.sqlite, sync: false) { server in
            let answer = try await server.get("/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.json["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.json["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let registered = Set(APIRouter.routes(server.services).map { "\($0.method.rawValue) \($0.path)" })
            #expect(documented == registered)
            // The API issue names 20 routes; the dashboard issue added six (daily_basic, a factor's
            // evaluation, a backtest's trades, and /monitoring alerts, backups and requests).
            #expect(registered.count == 26)
            // Every documented operation reaches a handler (anything but the router's 404).
            for operation in documented {
                let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
                let concrete = parts[1].replacingOccurrences(of: "{ts_code}", with: "600000.SH")
                    .replacingOccurrences(of: "{name}", with: "ROC5").replacingOccurrences(of: "{id}", with: "1")
                let reply = try await server.send(parts[0] == "GET" ? .GET : .POST, concrete)
                #expect(
                    !(reply.status == 404
                        && (reply.json["error"] as? [String: Any])?["message"].map { "\($0)" }?.hasPrefix("no route")
                            == true),
                    "\(operation)")
            }
            // An undocumented method on a documented path is not served.
            let wrong = try await server.send(.DELETE, "/api/v1/stocks")
            #expect(wrong.status == 404 || wrong.status == 405)
            #expect(wrong.errorCode != nil)
        }
    }

    /// The exposition format's rules (text format 0.0.4), checked by hand, and by promtool when
    /// it is installed (scripts/test.sh installs it).
    @Test func metricsFollowTheExpositionFormat() async throws {
        try await TestServer.with(.sqlite) { server in
            _ = try await server.get("/api/v1/stocks")
            _ = try await server.get("/api/v1/stocks/600000.SH")
            _ = try await server.get("/api/v1/nothing")
            let answer = try await server.get("/metrics")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = answer.text
            var types: [String: String] = [:]
            var sampleNames: Set<String> = []
            let sample = try Regex(
                #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$"#
            )
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                if line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    #expect(parts.count == 4, "\(line)")
                    #expect(types[String(parts[2])] == nil, "TYPE declared twice: \(line)")
                    types[String(parts[2])] = String(parts[3])
                } else if line.hasPrefix("# HELP ") {
                    continue
                } else {
                    #expect(line.wholeMatch(of: sample) != nil, "not a sample line: \(line)")
                    if let name = line.split(separator: "{").first?.split(separator: " ").first {
                        sampleNames.insert(String(name))
                    }
                }
            }
            // Counters end in _total; histograms come with _bucket, _sum and _count.
            for (name, type) in types where type == "counter" { #expect(name.hasSuffix("_total"), "\(name)") }
            #expect(types["http_request_duration_seconds"] == "histogram")
            #expect(
                sampleNames.isSuperset(of: [
                    "http_request_duration_seconds_bucket", "http_request_duration_seconds_sum",
                    "http_request_duration_seconds_count",
                ]))
            for name in [
                "http_requests_total", "http_requests_in_flight", "stockschool_cache_hits_total",
                "stockschool_sync_lag_seconds", "stockschool_data_quality_score",
                "stockschool_last_sync_success_timestamp_seconds", "stockschool_sync_failures_total",
                "stockschool_last_factor_calculation_timestamp_seconds",
                "stockschool_factor_calculation_failures_total",
                "stockschool_db_pool_connections", "stockschool_db_query_duration_seconds", "process_cpu_seconds_total",
                "process_resident_memory_bytes", "process_open_fds",
            ] {
                #expect(types[name] != nil, "\(name) missing")
            }
            // Route templates, not concrete paths, label the request series.
            #expect(text.contains(#"route="/api/v1/stocks/{ts_code}""#))
            #expect(!text.contains("600000.SH"))
            #expect(text.contains(#"route="unmatched""#))
            // One request for the stock list so far, counted as a 200.
            #expect(text.contains(#"http_requests_total{route="/api/v1/stocks",method="GET",status="200"} 1"#))

            if let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(
                where: FileManager.default.isExecutableFile)
            {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: promtool)
                process.arguments = ["check", "metrics"]
                let input = Pipe()
                let output = Pipe()
                process.standardInput = input
                process.standardOutput = output
                process.standardError = output
                try process.run()
                input.fileHandleForWriting.write(Data(answer.body))
                try input.fileHandleForWriting.close()
                process.waitUntilExit()
                let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "promtool: \(report)")
            } else {
                #expect(
                    !TestEnvironment.isCI,
                    "promtool is missing in CI: scripts/test.sh installs it (Debian package prometheus)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func healthNamesItsChecks(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let health = try await server.get("/api/health")
            #expect(health.status == 200)
            let checks = try #require(health.json["checks"] as? [String: [String: Any]])
            #expect(checks["database"]?["status"] as? String == "ok")
            #expect((checks["database"]?["latency_ms"] as? Double).map { $0 >= 0 } == true)
            #expect(checks["cache"]?["status"] as? String == "ok")
            // Synced through the last date of the stored calendar: no lag.
            #expect(checks["sync"]?["status"] as? String == "ok")
            #expect(checks["sync"]?["lag_hours"] as? Double == 0)
            #expect(health.json["status"] as? String == "ok")
            let live = try await server.get("/api/health/live")
            #expect(live.status == 200 && live.json["status"] as? String == "ok")

            let status = try await server.get("/monitoring/sync/status")
            #expect(status.status == 200)
            let datasets = try #require(status.json["datasets"] as? [[String: Any]])
            #expect(
                datasets.contains {
                    $0["dataset"] as? String == "daily" && $0["last_complete"] as? String == "20240628"
                })
        }
    }

    /// With the database gone, health is 503 and names the failing check.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func healthFailsWhenTheDatabaseIsUnreachable(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            try await server.testStore.store.close()
            let health = try await server.get("/api/health")
            #expect(health.status == 503)
            #expect(health.json["status"] as? String == "failing")
            #expect(health.json["failing"] as? [String] == ["database"])
        }
    }

    /// Runs `body` while every connection of the server's pool (eight) sits in `pg_sleep(30)`,
    /// as seen from a connection outside the pool; then cancels the sleeps.
    static func withBusyPool(_ server: TestServer, _ body: () async throws -> Void) async throws {
        let store = server.testStore.store
        let sleepers = (0..<8).map { _ in
            Task { _ = try? await store.query(SQLStatement("SELECT pg_sleep(30)")) }
        }
        let observer = try await openStore(url: server.testStore.url)
        let sleeping = SQLStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query = 'SELECT pg_sleep(30)'"
        )
        for _ in 0..<200 {
            if try await observer.query(sleeping).first?.first?.int == 8 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await observer.query(sleeping).first?.first?.int == 8)
        try await body()
        _ = try await observer.query(
            SQLStatement(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_sleep(30)'"
            ))
        for sleeper in sleepers { await sleeper.value }
        try await observer.close()
    }

    /// A database that does not answer (here: every pooled connection busy for 30 s) is reported
    /// failing within the check's limit, not waited for, by `/api/health` (503 naming it) and by
    /// `/metrics` (`stockschool_dependency_up` 0, which the `DependencyDown` rule reads); once it
    /// answers, both say so.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func healthAndMetricsAnswerWhileTheDatabaseHangs(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, settings: { $0.dependencyCheckTimeout = .milliseconds(500) }) { server in
            let up = #"stockschool_dependency_up{dependency="database"}"#
            try await Self.withBusyPool(server) {
                let health = try await server.get("/api/health")
                #expect(health.status == 503, "\(health.text)")
                #expect(health.json["failing"] as? [String] == ["database"])
                let checks = try #require(health.json["checks"] as? [String: [String: Any]])
                #expect((checks["database"]?["message"] as? String)?.contains("did not answer within") == true)

                let metrics = try await server.get("/metrics")
                #expect(metrics.status == 200)
                #expect(metrics.text.contains("\(up) 0\n"), "\(metrics.text.prefix(300))")
            }
            let health = try await server.get("/api/health")
            #expect(health.status == 200, "\(health.text)")
            let metrics = try await server.get("/metrics")
            #expect(metrics.text.contains("\(up) 1\n"))
        }
    }
}
