import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore
import StockSchoolSync

struct RunDailyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-daily",
        abstract: "The daily workflow: sync → factors → evaluation refresh → scores → ranks, for the latest date.",
        discussion: """
            1. sync: fetches what is missing up to today (Tushare when a token is configured,
               else the simulated market of sample.*; --source chooses);
            2. factors: computes the score model's factors (warming the panel cache);
            3. evaluation: refreshes their daily ICs in factor_ic over the last
               --evaluation-days trade dates;
            4. scores: scores the latest trade date and stores it (scores, score_weights);
            5. ranks: prints the top of the day's ranking.
            Every step is idempotent: running it again the same day fetches nothing and writes
            the same rows.

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
            let report = try await step("sync") {
                let report = try await syncWithProgress(source: dataSource, store: store, request: target.request)
                return (report, "run \(report.runID) \(report.status.rawValue), \(Output.grouped(report.rows)) rows")
            }
            guard report.status != .failed else {
                throw CommandFailure(description: "sync run \(report.runID) failed; see `stockschool sync status`")
            }
            let latest = try await Universe.lastDate(store)
            let formulas = try model.formulas(catalog, configuration)
            let scoreJob = try model.job(catalog, configuration, start: latest, end: latest, universe: .all, cache: nil)
            let cache = FactorScope.cache(configuration)
            let from = try await Universe.tradeDate(store, daysBefore: latest, count: evaluationDays)
            try await step("factors") {
                var job = FactorJob(factors: formulas, start: from, end: latest, adjustment: .hfq, cache: cache)
                job.preprocess = []
                let (shape, _) = try await job.summarize(store: store)
                return ((), "\(formulas.count) factors × \(shape.tsCodes.count) stocks × \(shape.dates.count) dates")
            }
            try await step("evaluation") {
                let job = EvaluationJob(
                    factors: FactorJob(factors: formulas, start: from, end: latest, cache: cache),
                    horizons: [scoreJob.horizon], convention: model.convention)
                var best: (String, Double)?
                let (_, stored) = try await job.runStoringICs(store: store) { name, evaluation in
                    let ic = evaluation.horizons[0].rankICSummary.mean
                    if ic.isFinite, abs(ic) > abs(best?.1 ?? 0) { best = (name, ic) }
                }
                let strongest = best.map { ", strongest \($0.0) (mean RankIC \(String(format: "%+.4f", $0.1)))" } ?? ""
                return ((), "\(Output.grouped(stored)) daily ICs refreshed\(strongest)")
            }
            let outcome = try await step("scores") {
                var job = scoreJob
                job.cache = cache
                let outcome = try await ScoreRunner.run(job, store: store, announce: false)
                return (outcome, "\(Output.grouped(outcome.written.rows)) stocks scored on \(latest)")
            }
            return outcome
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
