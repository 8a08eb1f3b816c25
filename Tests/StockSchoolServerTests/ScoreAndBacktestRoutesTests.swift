import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// Scores, ranks and stored backtests over real HTTP, checked against invariants of a ranking
/// and against the rows in the store.
@Suite struct ScoreAndBacktestRoutesTests {
    static func scoreAndBacktest(_ store: any MarketStore) async throws -> Int64 {
        let formulas = try ["ROC5", "STD5", "KMID"].map { name in
            (
                name,
                try FactorJob.formula(
                    expression: try #require(FactorLibrary.factors(in: "alpha158")?.first { $0.name == name }).formula)
            )
        }
        let job = ScoreJob(
            name: "default", factors: formulas, weighting: .equal, window: 20, horizon: 1,
            start: TradeDate(unchecked: 2024_05_06), end: TestServer.market.end)
        let run = try await job.run(store: store)
        try await store.saveScores(
            name: "default", weighting: .equal, result: run.result, tsCodes: run.tsCodes, dates: run.dates,
            industries: run.industries)
        let backtest = BacktestJob(
            signal: .score(name: "default"), settings: BacktestSettings(strategy: .topN(5), rebalance: .weekly),
            start: TradeDate(unchecked: 2024_05_07), end: TestServer.market.end)
        let id = try await store.startBacktestRun(
            name: "score default", start: backtest.start, end: backtest.end, parameters: backtest.parametersJSON)
        try await store.finishBacktestRun(id, result: try await backtest.run(store: store))
        return id
    }

    @Test(arguments: TestBackend.available)
    func rankingsAreOrderedAndComplete(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            _ = try await Self.scoreAndBacktest(server.store)
            let top = try await server.get("/api/v1/scores?top=10")
            #expect(top.status == 200)
            #expect(top.json["trade_date"] as? String == "20240628")
            let ranks = top.items.compactMap { $0["rank"] as? Int }
            #expect(ranks == Array(1...10))
            let scores = top.items.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >))
            #expect(scores.allSatisfy { (0...100).contains($0) })
            #expect(top.items.allSatisfy { ($0["name"] as? String)?.isEmpty == false })
            let count = try await server.store.query(
                SQLStatement("SELECT count(*) FROM scores WHERE trade_date = 20240628 AND score_name = 'default'"))
            #expect(top.json["total"] as? Int == Int(count.first?.first?.int ?? -1))

            let industry = try #require(top.items.first?["industry"] as? String)
            let within = try await server.get(
                "/api/v1/scores?industry=\(industry.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            )
            #expect(within.items.allSatisfy { $0["industry"] as? String == industry })
            #expect(within.items.compactMap { $0["industry_rank"] as? Int } == Array(1...within.items.count))

            let code = try #require(top.items.first?["ts_code"] as? String)
            let history = try await server.get("/api/v1/stocks/\(code)/scores")
            #expect(history.status == 200)
            let dates = history.items.compactMap { $0["trade_date"] as? String }
            #expect(dates == dates.sorted() && dates.last == "20240628")
            #expect(history.items.last?["rank"] as? Int == 1)

            let noModel = try await server.get("/api/v1/scores?score_name=nothing")
            #expect(noModel.status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func storedBacktestsAreServed(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await Self.scoreAndBacktest(server.store)
            let run = try await server.get("/api/v1/backtests/\(id)")
            #expect(run.status == 200)
            #expect(run.json["status"] as? String == "succeeded")
            let nav = try #require(run.json["nav"] as? [[String: Any]])
            #expect(nav.first?["trade_date"] as? String == "20240507")
            #expect(nav.last?["trade_date"] as? String == "20240628")
            #expect(run.json["metrics"] is [String: Any])
            let list = try await server.get("/api/v1/backtests")
            #expect(list.json["total"] as? Int == 1)
            #expect(list.items.first?["id"] as? Int == Int(id))
            #expect(list.items.first?["nav"] == nil)
            let missing = try await server.get("/api/v1/backtests/999999")
            #expect(missing.status == 404)
            let bad = try await server.get("/api/v1/backtests/abc")
            #expect(bad.status == 400)
        }
    }
}
