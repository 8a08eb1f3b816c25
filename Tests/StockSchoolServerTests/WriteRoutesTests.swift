import Foundation
import StockSchoolCore
import StockSchoolServer
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// The POST routes end to end with keys of the right role: evaluation, backtests started in the
/// background and read back, a sync run started over HTTP; and their input checks.
@Suite struct WriteRoutesTests {
    static func bearer(_ server: TestServer, _ role: APIAccess) async throws -> [(String, String)] {
        let key = try await APIKeyStore(server.store).create(
            name: "\(role.rawValue)-\(UUID().uuidString.prefix(8))", role: role)
        return [("Authorization", "Bearer \(key.secret)")]
    }

    @Test(arguments: TestBackend.available)
    func evaluationAnswersStatisticsAndChecksItsBody(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let analyst = try await Self.bearer(server, .analyst)
            let range = #""start_date": "20240102", "end_date": "20240628""#
            let byFormula = try await server.post(
                "/api/v1/factors/evaluate",
                json: #"{"expression": "Ref($close,5)/$close", "horizons": [1, 5], \#(range)}"#,
                headers: analyst)
            #expect(byFormula.status == 200, "\(byFormula.text)")
            let factors = try #require(byFormula.json["factors"] as? [[String: Any]])
            let horizons = try #require(factors.first?["horizons"] as? [[String: Any]])
            #expect(horizons.compactMap { $0["horizon"] as? Int } == [1, 5])
            let rankIC = try #require((horizons[0]["rank_ic"] as? [String: Any])?["mean"] as? Double)
            #expect((-1...1).contains(rankIC))
            #expect((horizons[0]["quantile_returns"] as? [Any])?.count == 5)
            #expect(byFormula.json["stocks"] as? Int == TestServer.market.stocks)

            // ROC5 is that formula: the same numbers by name.
            let byName = try await server.post(
                "/api/v1/factors/evaluate", json: #"{"factors": ["ROC5"], "horizons": [1, 5], \#(range)}"#,
                headers: analyst)
            let named = try #require(
                (byName.json["factors"] as? [[String: Any]])?.first?["horizons"] as? [[String: Any]])
            #expect((named[0]["rank_ic"] as? [String: Any])?["mean"] as? Double == rankIC)
            // Nothing is stored by an API evaluation.
            let stored = try await server.store.query(SQLStatement("SELECT count(*) FROM factor_ic"))
            #expect(stored.first?.first?.int == 0)

            for (body, field) in [
                (#"{"expression": "Ref($close,5)/$close", "set": "alpha158"}"#, nil),
                (#"{"factors": ["NOPE"]}"#, "factors[0]"), (#"{"set": "alpha158"}"#, "set"),
                (#"{"expression": "Mean($close"}"#, "expression"),
                (#"{"expression": "$close", "horizons": [0]}"#, "horizons"),
                (#"{"expression": "$close", "quantiles": "five"}"#, "quantiles"),
                (#"{"expression": "$close", "start_date": "2024-01-02"}"#, "start_date"), ("not json", nil),
            ] as [(String, String?)] {
                let answer = try await server.post("/api/v1/factors/evaluate", json: body, headers: analyst)
                #expect(answer.status == 400, "\(body): \(answer.text)")
                #expect(answer.errorCode == "invalid_body", "\(body)")
                if let field {
                    #expect(
                        ((answer.json["error"] as? [String: Any])?["details"] as? [String: String])?["field"] == field,
                        "\(body)")
                }
            }
            let long = String(repeating: "$close+", count: 400) + "$close"
            let tooLong = try await server.post(
                "/api/v1/factors/evaluate", json: #"{"expression": "\#(long)"}"#, headers: analyst)
            #expect(tooLong.status == 400)
            let huge = #"{"expression": "$close", "pad": ""# + String(repeating: "x", count: 70_000) + #""}"#
            let tooLarge = try await server.post("/api/v1/factors/evaluate", json: huge, headers: analyst)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large")
        }
    }

    /// Past `api.evaluation_timeout` the request answers 503 `evaluation_timeout` (the
    /// evaluation, cancelled, stops on its own); a 1 ms limit is shorter than any evaluation's
    /// panel read.
    @Test(arguments: TestBackend.available)
    func evaluationPastItsTimeLimitAnswers503(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, settings: { $0.evaluationTimeout = .milliseconds(1) }) { server in
            let analyst = try await Self.bearer(server, .analyst)
            let answer = try await server.post(
                "/api/v1/factors/evaluate", json: #"{"factors": ["ROC5", "MA5", "STD5"]}"#, headers: analyst)
            #expect(answer.status == 503, "\(answer.text)")
            #expect(answer.errorCode == "evaluation_timeout")
            #expect(
                ((answer.json["error"] as? [String: Any])?["details"] as? [String: String])?["limit_seconds"] == "0.001"
            )
        }
    }

    @Test(arguments: TestBackend.available)
    func backtestsRunInTheBackground(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let analyst = try await Self.bearer(server, .analyst)
            let started = try await server.post(
                "/api/v1/backtests",
                json:
                    #"{"expression": "Ref($close,5)/$close", "top": 5, "rebalance": "weekly", "start_date": "20240401", "end_date": "20240628"}"#,
                headers: analyst)
            #expect(started.status == 202, "\(started.text)")
            let id = try #require(started.json["id"] as? Int)
            #expect(started.header("Location") == "/api/v1/backtests/\(id)")
            var run = try await server.get("/api/v1/backtests/\(id)")
            for _ in 0..<300 where run.json["status"] as? String == "running" {
                try await Task.sleep(for: .milliseconds(100))
                run = try await server.get("/api/v1/backtests/\(id)")
            }
            #expect(run.json["status"] as? String == "succeeded", "\(run.text)")
            let nav = try #require(run.json["nav"] as? [[String: Any]])
            #expect(nav.first?["trade_date"] as? String == "20240401")
            #expect(nav.last?["trade_date"] as? String == "20240628")
            #expect((run.json["parameters"] as? [String: Any])?["signal"] as? String == "factor Ref($close,5)/$close")

            for (body, field) in [
                (#"{"expression": "$close", "top": 0}"#, "top"), (#"{"score": "a", "factor": "ROC5"}"#, nil),
                (#"{"factor": "ROC5", "rebalance": "hourly"}"#, "rebalance"),
                (#"{"factor": "ROC5", "universe": ["600000.SH", "bad"]}"#, "universe[1]"),
                (#"{"factor": "ROC5", "commission": 0.5}"#, "commission"),
            ] as [(String, String?)] {
                let answer = try await server.post("/api/v1/backtests", json: body, headers: analyst)
                #expect(answer.status == 400, "\(body): \(answer.text)")
                if let field {
                    #expect(
                        ((answer.json["error"] as? [String: Any])?["details"] as? [String: String])?["field"] == field,
                        "\(body)")
                }
            }
            let runs = try await server.store.query(SQLStatement("SELECT count(*) FROM backtest_runs"))
            #expect(runs.first?.first?.int == 1, "a refused request starts no run")
        }
    }

    @Test(arguments: TestBackend.available)
    func syncRunsStartedOverHTTP(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            let admin = try await Self.bearer(server, .admin)
            for (body, field) in [
                (#"{"source": "sample", "datasets": ["daily", "minutes"]}"#, "datasets[1]"),
                (#"{"source": "bloomberg"}"#, "source"),
                (#"{"source": "sample", "start_date": "20240131", "end_date": "20240102"}"#, "start_date"),
                (#"{"source": "tushare"}"#, "source"),
            ] {
                let answer = try await server.post("/api/v1/sync", json: body, headers: admin)
                #expect(answer.status == 400, "\(body): \(answer.text)")
                #expect(
                    ((answer.json["error"] as? [String: Any])?["details"] as? [String: String])?["field"] == field,
                    "\(body)")
            }
            let started = try await server.post(
                "/api/v1/sync", json: #"{"source": "sample", "start_date": "20240102", "end_date": "20240119"}"#,
                headers: admin)
            #expect(started.status == 202, "\(started.text)")
            var finished = false
            for _ in 0..<600 where !finished {
                try await Task.sleep(for: .milliseconds(100))
                let status = try await server.get("/monitoring/sync/status")
                finished = (status.json["last_run"] as? [String: Any])?["status"] as? String == "succeeded"
            }
            #expect(finished)
            let bars = try await server.store.query(SQLStatement("SELECT count(DISTINCT trade_date) FROM stock_daily"))
            // 2–19 January 2024: 14 trading days on the SSE.
            #expect(bars.first?.first?.int == 14)
            let stocks = try await server.get("/api/v1/stocks?page_size=1")
            #expect(stocks.json["total"] as? Int == StockSchoolConfiguration().sampleStocks)
        }
    }
}
