import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolServer
import StockSchoolStore
import StockSchoolSync

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole chain on a simulated market: sync, evaluate, score, rank, backtest.",
        discussion: """
            Creates (or migrates) the store and syncs the simulated market into it — about
            300 stocks over 2020–2024 by default — so every command has data to work on
            without a Tushare token. Then it evaluates the default score model's factors
            (alpha158-quick) against forward returns, scores and ranks every stock over
            the last year, prints the top of the latest ranking, and backtests a weekly
            top-30 portfolio on the scores. Running it again fetches nothing new and
            writes the same scores.

            With --serve it then runs `stockschool serve`: open the printed address for
            the dashboard (overview, market, factors, rankings, backtests).

            Examples:
              stockschool demo --serve
              stockschool demo
              stockschool demo --stocks 50 --start 20240102 --end 20240628
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sample: SampleOptions

    @Flag(name: .customLong("sync-only"), help: "Only create and fill the store; skip the research chain.")
    var syncOnly = false

    @Flag(help: "Then serve the API and the dashboard (server.host:server.port, 127.0.0.1:8080) until Ctrl-C.")
    var serve = false

    func run() async throws {
        let configuration = try global.configuration()
        let market = try sample.market(configuration)
        let catalog = try FactorCatalog.load(configuration)
        let cache = FactorScope.cache(configuration)
        let announce = !global.json
        let outcome = try await withStore(configuration) { store in
            let report = try await syncWithProgress(
                source: try SampleSync.source(market, announce: announce), store: store,
                request: SyncRequest(start: market.start, end: market.end))
            let stats = try await store.stats()
            if announce {
                SampleSync.printSummary(report)
                print("")
                Output.table(
                    ["table", "rows", "first", "last"],
                    stats.filter { $0.rows > 0 }.map {
                        [
                            $0.table, Output.grouped($0.rows), $0.firstDate?.description ?? "",
                            $0.lastDate?.description ?? "",
                        ]
                    })
            }
            if syncOnly { return DemoResult(sync: SyncSummary(report), tables: stats, research: nil) }
            return DemoResult(
                sync: SyncSummary(report), tables: stats,
                research: try await Self.research(
                    store: store, catalog: catalog, configuration: configuration, cache: cache, announce: announce))
        }
        if global.json {
            try Output.json(outcome.encodable)
        } else {
            print("\nStore: \(StoreURL.masked(configuration.databaseURL))")
            print(
                serve
                    ? "Serving the API and the dashboard:"
                    : "Next: `stockschool serve`, then open http://\(configuration.serverHost):\(configuration.serverPort)/ (the dashboard); `stockschool rank`, `stockschool evaluate --set alpha158`, `stockschool backtest --help`; README.md has the tour."
            )
        }
        if serve {
            try await ServeCommand.serve(
                global: global, configuration: configuration, settings: ServerSettings(configuration), noCache: false)
        }
    }

    /// Evaluate → score → rank → backtest on the store's data, printing as it goes.
    static func research(
        store: any MarketStore, catalog: FactorCatalog, configuration: StockSchoolConfiguration, cache: PanelCache,
        announce: Bool
    ) async throws -> DemoResearch {
        let last = try await Universe.lastDate(store)
        let first = try await Universe.firstDate(store)
        let yearAgo = try await Universe.tradeDate(store, daysBefore: last, count: 244)
        let formulas = try catalog.formulas(set: configuration.scoreSet)

        // 1. Which factors predict returns.
        var started = Date()
        let evaluation = EvaluationJob(
            factors: FactorJob(factors: formulas, start: first, end: last, cache: cache), horizons: [1, 5, 10, 20])
        var evaluations: [(String, FactorEvaluation)] = []
        let (run, stored) = try await evaluation.runStoringICs(store: store) { name, result in
            evaluations.append((name, result.withoutDailySeries))
        }
        let report = EvaluationReport(
            run: run, evaluations: evaluations, convention: evaluation.convention, quantiles: evaluation.quantiles,
            seconds: Date().timeIntervalSince(started), stored: stored)
        if announce {
            print("\n== 1. Evaluate: \(formulas.count) factors of \(configuration.scoreSet) ==")
            report.print(detailed: false)
        }

        // 2. Scores and ranks over the last year (ICIR weights over 60 realised RankICs, h = 5).
        started = Date()
        let job = ScoreJob(
            name: ScoreOptions.defaultName, factors: formulas,
            weighting: ScoreWeighting(rawValue: configuration.scoreWeighting) ?? .icir,
            window: configuration.scoreWindow,
            horizon: configuration.scoreHorizon, start: yearAgo, end: last, cache: cache)
        let scored = try await ScoreRunner.run(job, store: store, announce: false)
        if announce {
            print("\n== 2. Score and rank ==")
            try ScoreRunner.report(scored, seconds: Date().timeIntervalSince(started), json: false)
        }

        // 3. A weekly top-30 portfolio on those scores.
        guard scored.written.dates > 0 else {
            if announce { print("\n== 3. Backtest ==\nSkipped: the market is too short to score any date.") }
            return DemoResearch(evaluation: report.json, top: [], backtest: nil)
        }
        started = Date()
        let holdings = min(30, max(1, run.tsCodes.count / 5))
        let backtest = BacktestJob(
            signal: .score(name: ScoreOptions.defaultName),
            settings: BacktestSettings(strategy: .topN(holdings), rebalance: .weekly),
            start: scored.run.dates.first ?? yearAgo, end: last, cache: cache)
        let id = try await store.startBacktestRun(
            name: backtest.signal.description, start: backtest.start, end: backtest.end,
            parameters: backtest.parametersJSON)
        let result: BacktestResult
        do {
            result = try await backtest.run(store: store)
            try await store.finishBacktestRun(id, result: result)
        } catch {
            try? await store.failBacktestRun(id, message: "\(error)")
            throw error
        }
        let summary = BacktestSummary(
            id: id, signal: backtest.signal.description, seconds: Date().timeIntervalSince(started), result: result)
        if announce {
            print("\n== 3. Backtest ==")
            BacktestSummary.print(result, id: id, signal: backtest.signal.description, seconds: summary.seconds)
        }
        return DemoResearch(
            evaluation: report.json, top: scored.top.map { [$0.tsCode.description, String(format: "%.2f", $0.score)] },
            backtest: summary)
    }
}

struct DemoResearch: Encodable {
    let evaluation: EvaluationReport.JSON
    let top: [[String]]
    let backtest: BacktestSummary?
}

struct DemoResult {
    let sync: SyncSummary
    let tables: [TableStats]
    let research: DemoResearch?

    struct JSON: Encodable {
        let sync: SyncSummary
        let tables: [String: Int]
        let research: DemoResearch?
    }

    var encodable: JSON {
        JSON(
            sync: sync, tables: Dictionary(uniqueKeysWithValues: tables.map { ($0.table, $0.rows) }), research: research
        )
    }
}
