import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolOps
import StockSchoolResearch
import StockSchoolStore
import StockSchoolSync

struct RunDailyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-daily",
        abstract: "The daily workflow: sync → factors → evaluation refresh → scores → ranks, for the latest date.",
        discussion: """
            1. sync: fetches what is missing up to today (Tushare when a token is
            configured,
               else the simulated market of sample.*; --source chooses);
            2. factors: computes the score model's factors (warming the panel cache);
            3. evaluation: refreshes their daily ICs in factor_ic over the last
               --evaluation-days trade dates;
            4. scores: scores the latest trade date and stores it (scores, score_weights);
            5. ranks: prints the top of the day's ranking. Every step is idempotent:
            running it again the same day fetches nothing and writes the same rows.

            Examples:
              stockschool run-daily
              TUSHARE_TOKEN=… stockschool run-daily --source tushare
              stockschool run-daily --score-set alpha158 --weighting ic --window 120
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var model: ScoreOptions

    @Option(
        help: ArgumentHelp(
            "Where data comes from: sample, tushare or csv (default: tushare with a token, else sample).",
            valueName: "name"))
    var source: String?

    @Option(help: ArgumentHelp("CSV file or directory for --source csv.", valueName: "path"))
    var path: String?

    @Option(name: .customLong("evaluation-days"), help: ArgumentHelp("Trade dates of ICs to refresh.", valueName: "n"))
    var evaluationDays = 250

    func validate() throws {
        if let source, !["sample", "tushare", "csv"].contains(source) {
            throw ValidationError("unknown --source '\(source)'; available: sample, tushare, csv")
        }
        guard (1...5000).contains(evaluationDays) else {
            throw ValidationError("--evaluation-days must be between 1 and 5000, got \(evaluationDays)")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let catalog = try FactorCatalog.load(configuration)
        let chosen = source ?? (configuration.tushareToken == nil ? "sample" : "tushare")
        let sync = try SyncCommand.parse(["--source", chosen] + (path.map { ["--path", $0] } ?? []))
        let target = try sync.target(configuration, nil)
        let dataSource = try target.makeSource()
        let announce = !global.json
        var steps: [(String, Double, String)] = []
        func step<T>(_ name: String, _ body: () async throws -> (T, String)) async throws -> T {
            let started = Date()
            let (value, detail) = try await body()
            let seconds = Date().timeIntervalSince(started)
            steps.append((name, seconds, detail))
            if announce { print("✓ \(name) (\(String(format: "%.2f", seconds)) s): \(detail)") }
            return value
        }
        let outcome = try await withStore(configuration) { store in
            // A failed sync throws (`sync run N failed; see …`) and the later steps do not run.
            try await step("sync") {
                let report = try await syncWithProgress(source: dataSource, store: store, request: target.request)
                return ((), DailyWorkflow.describe(report))
            }
            // The model's dates are the store's latest, which `dates()` reads after the sync.
            let today = TradeDate.todayInBeijing
            let workflow = DailyWorkflow(
                store: store,
                model: try model.job(catalog, configuration, start: today, end: today, universe: .all, cache: nil),
                evaluationDays: evaluationDays, cache: FactorScope.cache(configuration))
            let dates = try await workflow.dates()
            try await step("factors") { ((), try await workflow.factors(dates)) }
            try await step("evaluation") { ((), try await workflow.evaluation(dates)) }
            return try await step("scores") {
                let outcome = try await workflow.scores(dates)
                return (outcome, DailyWorkflow.describe(outcome))
            }
        }
        if global.json {
            struct Step: Encodable {
                let step: String
                let seconds: Double
                let detail: String
            }
            return try Output.json(steps.map { Step(step: $0.0, seconds: $0.1, detail: $0.2) })
        }
        print("")
        try ScoreRunner.report(outcome, seconds: steps.first { $0.0 == "scores" }?.1 ?? 0, json: false)
    }
}
