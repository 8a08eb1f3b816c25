import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `evaluate`, `score`, `rank`, `backtest` and `run-daily`, run as a user would on a demo store.
@Suite struct ResearchCLITests {
    struct Evaluated: Decodable {
        struct Stats: Decodable {
            let mean: Double?
            let t_stat: Double?
        }
        struct Row: Decodable {
            let factor: String
            let horizon: Int
            let rank_ic: Stats
            let quantile_returns: [Double?]
        }
        let stocks: Int
        let convention: String
        let excluded_suspended: Int
        let stored_ic_rows: Int
        let results: [Row]
    }

    struct Ranking: Decodable {
        struct Item: Decodable {
            let rank: Int
            let ts_code: String
            let industry: String?
            let score: Double
        }
        let trade_date: String
        let weights: [String: Double]
        let items: [Item]
    }

    struct Backtested: Decodable {
        struct Metrics: Decodable {
            let annualReturn: Double?
            let sharpe: Double?
        }
        let id: Int?
        let final_nav: Double?
        let orders_filled: Int
        let orders_rejected: [String: Int]
    }

    @Test(arguments: TestBackend.available)
    func researchChainOnTheDemoStore(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, migrate: false)
        do {
            try await chain(test)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func chain(_ test: TestStore) async throws {
        let url = test.url
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "STOCKSCHOOL_SAMPLE_STOCKS": "40", "STOCKSCHOOL_SAMPLE_START": "20230103",
            "STOCKSCHOOL_SAMPLE_END": "20231229",
        ]
        func run(_ arguments: [String]) async throws -> CLITests.Result {
            try await CLITests.run(arguments + ["--store", url], in: directory, environment: environment)
        }
        let demo = try await run(["demo"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Top"), "\(demo.stdout)")
        #expect(demo.stdout.contains("Sharpe"), "\(demo.stdout)")

        let evaluated = try await run(
            [
                "evaluate", "--expr", "-Log($close/Ref($close,5))", "--horizons", "1,5", "--convention", "close",
                "--json",
            ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let report = try JSONDecoder().decode(Evaluated.self, from: Data(evaluated.stdout.utf8))
        #expect(report.results.map(\.horizon) == [1, 5])
        #expect(report.convention == "close")
        #expect(report.stored_ic_rows > 400)
        #expect((report.results[0].rank_ic.mean ?? 0) > 0)
        #expect(report.results[0].quantile_returns.count == 5)
        let stored = try await test.store.query(
            SQLStatement("SELECT count(*) FROM factor_ic WHERE factor = ?", [.text("-Log($close/Ref($close,5))")]))
        #expect(stored.first?.first?.int == Int64(report.stored_ic_rows))

        let bad = try await run(["evaluate", "--factor", "ROC5", "--horizons", "1,x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'x'"), "\(bad.stderr)")
        let unknown = try await run(["evaluate", "--factor", "NOPE"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("NOPE"), "\(unknown.stderr)")

        let scored = try await run(["score", "--start", "20231101", "--end", "20231229", "--window", "30"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let ranked = try await run(["rank", "--date", "20231229", "--top", "5", "--json"])
        #expect(ranked.status == 0, "\(ranked.stderr)")
        let ranking = try JSONDecoder().decode(Ranking.self, from: Data(ranked.stdout.utf8))
        #expect(ranking.items.map(\.rank) == [1, 2, 3, 4, 5])
        #expect(zip(ranking.items, ranking.items.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(abs(ranking.weights.values.reduce(0) { $0 + abs($1) } - 1) < 1e-9)
        if let industry = ranking.items.first?.industry {
            let within = try await run(["rank", "--date", "20231229", "--industry", industry, "--json"])
            #expect(within.status == 0, "\(within.stderr)")
            let items = try JSONDecoder().decode(Ranking.self, from: Data(within.stdout.utf8)).items
            #expect(items.first?.rank == 1 && items.allSatisfy { $0.industry == industry })
        }

        let backtest = try await run([
            "backtest", "--score", "default", "--top", "10", "--rebalance", "weekly", "--start", "20231106", "--end",
            "20231229", "--json", "--out", directory.appendingPathComponent("bt").path,
        ])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        let summary = try JSONDecoder().decode(Backtested.self, from: Data(backtest.stdout.utf8))
        #expect(summary.orders_filled > 0)
        let id = try #require(summary.id)
        let runs = try await test.store.query(
            SQLStatement("SELECT status FROM backtest_runs WHERE id = ?", [.integer(Int64(id))]))
        #expect(runs.first?.first?.string == "succeeded")
        let trades = try String(
            contentsOf: directory.appendingPathComponent("bt/trades.csv"), encoding: .utf8)
        #expect(trades.hasPrefix("trade_date,ts_code,side,shares,price"))

        let noScores = try await run(["backtest", "--score", "missing", "--start", "20231106"])
        #expect(noScores.status != 0)
        #expect(noScores.stderr.contains("missing"), "\(noScores.stderr)")
    }

    /// Re-running the daily workflow the same day writes the same rows.
    @Test func runDailyIsIdempotent() async throws {
        let test = try await TestStore.make(.sqlite, migrate: false)
        do {
            try await runDailyTwice(test)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func runDailyTwice(_ test: TestStore) async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "STOCKSCHOOL_SAMPLE_STOCKS": "30", "STOCKSCHOOL_SAMPLE_START": "20230601",
            "STOCKSCHOOL_SAMPLE_END": "20231229",
        ]
        func snapshot() async throws -> [[[SQLValue]]] {
            var tables: [[[SQLValue]]] = []
            for (table, order) in [
                ("scores", "score_name, trade_date, ts_code"), ("score_weights", "score_name, trade_date, factor"),
                ("factor_ic", "factor, convention, horizon, trade_date"),
            ] {
                tables.append(try await test.store.query(SQLStatement("SELECT * FROM \(table) ORDER BY \(order)")))
            }
            return tables
        }
        let first = try await CLITests.run(
            ["run-daily", "--window", "20", "--store", test.url], in: directory, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("✓ scores"), "\(first.stdout)")
        let once = try await snapshot()
        #expect(once[0].count > 0 && once[1].count > 0 && once[2].count > 0)
        let second = try await CLITests.run(
            ["run-daily", "--window", "20", "--store", test.url], in: directory, environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try await snapshot() == once)
    }
}
