import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolResearch
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// The routes the dashboard added to the API, checked against the store and against invariants
/// of what they summarise.
@Suite struct DashboardDataRoutesTests {
    @Test(arguments: TestBackend.available)
    func dailyBasicNewestFirstIsTheStoresLatestRow(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let code = try #require(
                try await server.store.query(SQLStatement("SELECT min(ts_code) FROM daily_basic")).first?.first?.string)
            let latest = try await server.get("/api/v1/stocks/\(code)/daily_basic?order=desc&page_size=1")
            #expect(latest.status == 200)
            let row = try #require(latest.items.first)
            let stored = try await server.store.query(
                SQLStatement(
                    "SELECT trade_date, pe_ttm, total_mv FROM daily_basic WHERE ts_code = ? ORDER BY trade_date DESC LIMIT 1",
                    [.text(code)]))
            #expect(row["trade_date"] as? String == stored.first?[0].int.map { String($0) })
            #expect(nearlyEqual(row["pe_ttm"] as? Double, stored.first?[1].doubleValue))
            #expect(nearlyEqual(row["total_mv"] as? Double, stored.first?[2].doubleValue))
            let ascending = try await server.get(
                "/api/v1/stocks/\(code)/daily_basic?start_date=20240101&end_date=20240131")
            let dates = ascending.items.compactMap { $0["trade_date"] as? String }
            #expect(!dates.isEmpty && dates == dates.sorted())
            #expect(ascending.json["total"] as? Int == dates.count)
            #expect((try await server.get("/api/v1/stocks/\(code)/daily_basic?order=up")).status == 400)
            #expect((try await server.get("/api/v1/stocks/688999.SH/daily_basic")).status == 404)
        }
    }

    /// The daily series the evaluation route adds agree with its own summaries: the mean of the
    /// daily RankICs is the summary's mean, and every cumulative curve starts from 1.
    @Test func factorEvaluationSeriesAgreeWithTheSummaries() async throws {
        try await TestServer.with(.sqlite) { server in
            let answer = try await server.get("/api/v1/factors/ROC5/evaluation?horizons=1,5&quantiles=4")
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            let factor = try #require((answer.json["factors"] as? [[String: Any]])?.first)
            let dates = try #require(factor["trade_dates"] as? [String])
            #expect(dates.count == answer.json["dates"] as? Int && dates == dates.sorted())
            let horizons = try #require(factor["horizons"] as? [[String: Any]])
            #expect(horizons.compactMap { $0["horizon"] as? Int } == [1, 5])
            for horizon in horizons {
                let series = try #require(horizon["series"] as? [String: Any])
                let rankIC = try #require(series["rank_ic"] as? [Any])
                #expect(rankIC.count == dates.count)
                let known = rankIC.compactMap { $0 as? Double }
                let mean: Double = known.reduce(0, +) / Double(known.count)
                let summary = try #require((horizon["rank_ic"] as? [String: Any])?["mean"] as? Double)
                #expect(abs(mean - summary) < 1e-12)
                let positive = try #require((horizon["rank_ic"] as? [String: Any])?["positive_share"] as? Double)
                let share = Double(known.filter { $0 > 0 }.count) / Double(known.count)
                #expect(abs(positive - share) < 1e-12)
                let curves = try #require(series["cumulative_quantile_returns"] as? [[Any]])
                #expect(curves.count == 4 && curves.allSatisfy { $0.count == dates.count })
                #expect((horizon["quantile_returns"] as? [Any])?.count == 4)
            }
            for bad in ["horizons=0", "horizons=1,x", "quantiles=1", "convention=later", "start_date=2024"] {
                let refused = try await server.get("/api/v1/factors/ROC5/evaluation?\(bad)")
                #expect(refused.status == 400, "\(bad)")
            }
            #expect((try await server.get("/api/v1/factors/NOPE/evaluation")).status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func backtestTradesListEveryOrderWithItsReason(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await ScoreAndBacktestRoutesTests.scoreAndBacktest(server.store)
            let poor = try await DashboardBrowserTests.poorBacktest(server.store)
            for run in [id, poor] {
                let all = try await server.get("/api/v1/backtests/\(run)/trades?page_size=1000")
                #expect(all.status == 200)
                let seqs = all.items.compactMap { $0["seq"] as? Int }
                #expect(seqs == Array(0..<seqs.count))
                var filter = SQLFilter()
                filter.add("run_id = ?", .integer(run))
                let stored = try await server.store.count("backtest_trades", filter)
                #expect(all.json["total"] as? Int == stored)
                let rejected = try await server.get("/api/v1/backtests/\(run)/trades?status=rejected&page_size=1000")
                let filled = try await server.get("/api/v1/backtests/\(run)/trades?status=filled&page_size=1000")
                #expect(rejected.items.count + filled.items.count == stored)
                #expect(rejected.items.allSatisfy { $0["status"] as? String == "rejected" && $0["reason"] is String })
                #expect(filled.items.allSatisfy { $0["status"] as? String == "filled" && $0["reason"] is NSNull })
            }
            // 20,000 CNY over five names cannot buy a lot of most of them.
            let poorRejected = try await server.get("/api/v1/backtests/\(poor)/trades?status=rejected")
            #expect(poorRejected.items.contains { $0["reason"] as? String == "insufficient_cash" })
            #expect((try await server.get("/api/v1/backtests/999999/trades")).status == 404)
            #expect((try await server.get("/api/v1/backtests/\(id)/trades?status=maybe")).status == 400)
        }
    }

    @Test func rankingsFilterByBoard() async throws {
        try await TestServer.with(.sqlite) { server in
            _ = try await ScoreAndBacktestRoutesTests.scoreAndBacktest(server.store)
            let all = try await server.get("/api/v1/scores?top=5000")
            let boards = all.items.compactMap { $0["board"] as? String }
            #expect(boards.count == all.items.count)
            for board in Set(boards) {
                let only = try await server.get("/api/v1/scores?top=5000&board=\(board)")
                #expect(only.items.allSatisfy { $0["board"] as? String == board })
                #expect(only.json["total"] as? Int == boards.filter { $0 == board }.count)
                let ranks = only.items.compactMap { $0["rank"] as? Int }
                #expect(ranks == ranks.sorted())
            }
            #expect((try await server.get("/api/v1/scores?board=nasdaq")).status == 400)
        }
    }

    @Test func requestWindowInterpolatesItsPercentileLikePrometheus() {
        // Ten requests, all in (1 ms, 2.5 ms]: rank 9.5 of 10 → 1 + 1.5 × 0.95 ms.
        let bounds = [0.001, 0.0025, 0.005]
        #expect(RequestWindow.quantile(0.95, counts: [0, 10, 0, 0], bounds: bounds) == 0.001 + 0.0015 * 0.95)
        // Half in the first bucket, half above the last bound: the top bucket answers its floor.
        #expect(RequestWindow.quantile(0.95, counts: [5, 0, 0, 5], bounds: bounds) == 0.005)
        #expect(RequestWindow.quantile(0.5, counts: [4, 0, 0, 0], bounds: bounds) == 0.0005)
        #expect(RequestWindow.quantile(0.95, counts: [0, 0, 0, 0], bounds: bounds) == nil)

        let window = RequestWindow()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<100 { window.record(.milliseconds(3), at: start) }
        for _ in 0..<20 { window.record(.milliseconds(300), at: start.addingTimeInterval(30)) }
        let during = window.summary(at: start.addingTimeInterval(31))
        #expect(during.requests == 120)
        #expect(abs(during.rate - 2.0) < 1e-12)
        // Rank 114 of 120: the 14th of 20 in (250 ms, 500 ms].
        #expect(abs((during.p95 ?? 0) - (0.25 + 0.25 * 14 / 20)) < 1e-12)
        // A minute later the first second has left the window; the current second is not in it.
        let later = window.summary(at: start.addingTimeInterval(61))
        #expect(later.requests == 20)
        #expect(window.summary(at: start.addingTimeInterval(200)).requests == 0)
    }

    @Test(arguments: TestBackend.available)
    func monitoringShowsAlertsBackupsAndRequests(_ backend: TestBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ss-dash-backups-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestServer.with(backend, configure: { $0.ops.backupDirectory = directory.path }) { server in
            let none = try await server.get("/monitoring/backups")
            #expect(none.status == 200 && none.json["status"] as? String == "warning")
            #expect((none.json["items"] as? [Any])?.isEmpty == true)
            let backup = try await BackupCreator(
                configuration: server.services.configuration, configFile: nil, environment: [:]
            ).create(kind: .standard, tag: nil)
            let one = try await server.get("/monitoring/backups")
            #expect(one.json["status"] as? String == "ok")
            let item = try #require((one.json["items"] as? [[String: Any]])?.first)
            #expect(item["id"] as? String == backup.manifest.id)
            #expect(item["bytes"] as? Int == Int(backup.manifest.totalBytes))

            let alerts = AlertStore(server.store)
            let now = Date()
            let warning = try #require(
                try await alerts.insert(
                    Alert(
                        name: "DataSyncDelay", level: .warning, labels: ["alertname": "DataSyncDelay"], summary: "lag",
                        status: .pending, startsAt: now),
                    at: Timestamp(now)))
            let critical = try #require(
                try await alerts.insert(
                    Alert(
                        name: "DatabaseDown", level: .critical, labels: ["alertname": "DatabaseDown"], summary: "down",
                        status: .pending, startsAt: now),
                    at: Timestamp(now)))
            #expect(try await alerts.fire(id: warning, at: Timestamp(now)))
            #expect(try await alerts.fire(id: critical, at: Timestamp(now)))
            let active = try await server.get("/monitoring/alerts")
            #expect(active.items.compactMap { $0["alertname"] as? String } == ["DatabaseDown", "DataSyncDelay"])
            #expect(active.json["total"] as? Int == 2)
            #expect(try await alerts.resolve(id: critical, at: Timestamp(now)))
            #expect((try await server.get("/monitoring/alerts")).items.count == 1)

            let requests = try await server.get("/monitoring/requests")
            #expect(requests.status == 200 && requests.json["window_seconds"] as? Int == 60)
            #expect((requests.json["requests"] as? Int).map { $0 >= 0 } == true)
        }
    }
}

/// Equal to within a relative 1e-12: Foundation's JSONSerialization on Linux can parse a
/// shortest-round-trip number one unit in the last place away from the value that was written.
func nearlyEqual(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-12 * max(1, abs(b))
}
