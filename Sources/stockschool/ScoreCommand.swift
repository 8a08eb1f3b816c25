import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolOps
import StockSchoolResearch
import StockSchoolStore

extension ScoreWeighting: ExpressibleByArgument {}

/// A score model as the command line describes it (shared by `score`, `run-daily` and `demo`).
struct ScoreOptions: ParsableArguments {
    static let defaultName = "default"

    @Option(help: ArgumentHelp("The score model's name: scores are stored and ranked under it.", valueName: "name"))
    var name = ScoreOptions.defaultName

    @Option(
        name: .customLong("score-set"),
        help: ArgumentHelp(
            "The factor set the score combines (default alpha158-quick, or score.set).", valueName: "set"))
    var scoreSet: String?

    @Option(help: ArgumentHelp("Factors to combine by name, instead of a set.", valueName: "A,B,C"))
    var factors: String?

    @Option(
        help: "Weights: equal, ic (mean RankIC) or icir (mean/std of RankIC); default icir, or score.weighting.")
    var weighting: ScoreWeighting?

    @Option(
        help: ArgumentHelp(
            "Realised daily ICs the weights look back over (default 60, or score.window).", valueName: "days"))
    var window: Int?

    @Option(
        help: ArgumentHelp(
            "Forward-return horizon of the ICs behind the weights (default 5, or score.horizon).", valueName: "days"))
    var horizon: Int?

    @Option(help: "Forward returns behind the ICs: next (Qlib's T+1 label) or close.")
    var convention: ReturnConvention = .next

    func validate() throws {
        guard scoreSet == nil || factors == nil else {
            throw ValidationError("give --score-set or --factors, not both")
        }
        if let window, !(1...1000).contains(window) {
            throw ValidationError("--window must be between 1 and 1000, got \(window)")
        }
        if let horizon, !(1...250).contains(horizon) {
            throw ValidationError("--horizon must be between 1 and 250, got \(horizon)")
        }
        guard !name.isEmpty, name.count <= 100 else { throw ValidationError("--name must be 1–100 characters") }
    }

    func formulas(
        _ catalog: FactorCatalog, _ configuration: StockSchoolConfiguration
    ) throws -> [(name: String, formula: Formula)] {
        guard let factors else { return try catalog.formulas(set: scoreSet ?? configuration.scoreSet) }
        let names = factors.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let named = try names.map { name -> FactorCatalog.Factor in
            guard let factor = catalog.factor(named: name) else {
                throw StockSchoolError.invalidArgument(
                    name: "--factors",
                    reason: "no factor named '\(name)'; see `stockschool factors list`\(catalog.yoursNote)")
            }
            return factor
        }
        guard !named.isEmpty else {
            throw StockSchoolError.invalidArgument(name: "--factors", reason: "name at least one factor")
        }
        return try catalog.parse(named)
    }

    func job(
        _ catalog: FactorCatalog, _ configuration: StockSchoolConfiguration, start: TradeDate, end: TradeDate,
        universe: StockUniverse, cache: PanelCache?
    ) throws -> ScoreJob {
        ScoreJob(
            name: name, factors: try formulas(catalog, configuration),
            weighting: weighting ?? ScoreWeighting(rawValue: configuration.scoreWeighting) ?? .icir,
            window: window ?? configuration.scoreWindow, horizon: horizon ?? configuration.scoreHorizon,
            convention: convention, start: start, end: end, universe: universe, cache: cache)
    }
}

struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Combine factors into a 0–100 score per stock and date, rank, and store it.",
        discussion: """
            Per date each factor is z-scored across stocks and clipped at ±3, the z-scores
            are combined with weights, and the combination is z-scored, clipped and mapped
            to 0–100 (50 = the day's average). Weights: equal; ic, the mean daily RankIC
            over the trailing --window; icir, that mean over its standard deviation. Only
            ICs already realised on the date are used (an IC at horizon h is known h trade
            days later, h + 1 under the T+1 label), so no score looks ahead. Ranks run
            overall and within each industry.

            Scores and the weights behind them go to the scores and score_weights tables
            under --name; re-running a date replaces it. Without --start/--end the latest
            date is scored.

            Examples:
              stockschool score
              stockschool score --start 20240102 --end 20241231 --weighting ic --window 120
              stockschool score --name value --factors EP,BP,DY --weighting equal
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var model: ScoreOptions

    @Option(help: ArgumentHelp("First date to score (default: the store's last).", valueName: "yyyymmdd"))
    var start: TradeDate?

    @Option(help: ArgumentHelp("Last date to score (default: the store's last).", valueName: "yyyymmdd"))
    var end: TradeDate?

    @Option(help: Universe.help)
    var universe = "all"

    @Flag(name: .customLong("no-cache"), help: "Load from the store even if the panel cache is current.")
    var noCache = false

    func validate() throws {
        if let start, let end, start > end { throw ValidationError("--start \(start) is after --end \(end)") }
        _ = try Universe.parse(universe)
    }

    func run() async throws {
        let configuration = try global.configuration()
        let catalog = try FactorCatalog.load(configuration)
        let started = Date()
        let outcome = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            let latest = try await Universe.lastDate(store)
            let to = end ?? latest
            let job = try model.job(
                catalog, configuration, start: start ?? to, end: to, universe: try Universe.parse(universe),
                cache: noCache ? nil : FactorScope.cache(configuration))
            return try await ScoreRunner.run(job, store: store, announce: !global.json)
        }
        try ScoreRunner.report(outcome, seconds: Date().timeIntervalSince(started), json: global.json)
    }
}

/// Scoring and saving (`SavedScores`), and its report, shared by `score`, `run-daily` and `demo`.
enum ScoreRunner {
    typealias Outcome = SavedScores

    static func run(_ job: ScoreJob, store: any MarketStore, announce: Bool) async throws -> Outcome {
        try await SavedScores.compute(job, store: store)
    }

    static func report(_ outcome: Outcome, seconds: Double, json: Bool) throws {
        let job = outcome.job
        if json {
            struct Result: Encodable {
                let score_name: String
                let weighting: String
                let factors: [String]
                let dates_scored: Int
                let rows_written: Int
                let seconds: Double
                let top: [[String: String]]
            }
            try Output.json(
                Result(
                    score_name: job.name, weighting: job.weighting.rawValue, factors: job.factors.map(\.name),
                    dates_scored: outcome.written.dates, rows_written: outcome.written.rows, seconds: seconds,
                    top: outcome.top.map {
                        [
                            "rank": String($0.rank), "ts_code": $0.tsCode.description,
                            "score": String(format: "%.2f", $0.score), "trade_date": $0.tradeDate.description,
                        ]
                    }))
            return
        }
        print(
            "Score '\(job.name)': \(job.factors.count) factors, \(job.weighting.rawValue) weights over \(job.window) realised RankICs (h=\(job.horizon), \(job.convention.rawValue))"
        )
        guard outcome.written.dates > 0 else {
            print(
                "No date could be scored: \(job.weighting == .equal ? "no factor values" : "fewer than \(max(5, job.window / 3)) realised ICs before \(job.start)") — score a later date or use --weighting equal."
            )
            return
        }
        let scored = outcome.run.dates.indices.filter { outcome.run.result.scored(date: $0) }.map {
            outcome.run.dates[$0]
        }
        print(
            "Scored \(outcome.written.dates) date\(outcome.written.dates == 1 ? "" : "s") (\(scored.first?.description ?? "")–\(scored.last?.description ?? "")), wrote \(Output.grouped(outcome.written.rows)) scores in \(String(format: "%.2f", seconds)) s"
        )
        if let first = scored.first, let asked = outcome.run.dates.first, first > asked {
            print("(dates before \(first) lack \(max(5, job.window / 3)) realised ICs for the weights)")
        }
        if let day = outcome.top.first?.tradeDate {
            print("\nTop 10 on \(day):")
            Output.table(
                ["rank", "ts_code", "name", "industry", "score"],
                outcome.top.map {
                    [
                        String($0.rank), $0.tsCode.description, outcome.names[$0.tsCode] ?? "", $0.industry ?? "",
                        String(format: "%.1f", $0.score),
                    ]
                })
        }
    }
}

/// The universe and default dates of research commands.
enum Universe {
    /// `--universe all|index:CODE|CODE,CODE,…` (help text shared by the research commands).
    static let help = ArgumentHelp(
        "Stocks: all, an index's members as of each date (index:000300.SH; needs index_weight), or ts_codes separated by commas.",
        valueName: "all|index:CODE|CODE,CODE")

    static func parse(_ text: String) throws -> StockUniverse {
        do {
            return try StockUniverse(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The store's last trade date with bars.
    static func lastDate(_ store: any MarketStore) async throws -> TradeDate {
        guard
            let last = try await store.query(SQLStatement("SELECT max(trade_date) FROM stock_daily")).first?.first?.int
        else {
            throw CommandFailure(
                description: "stock_daily is empty; run `stockschool sync` or `stockschool demo` first")
        }
        return TradeDate(unchecked: Int32(last))
    }

    /// The trade date `count − 1` trade dates before `date` (or the store's first).
    static func tradeDate(_ store: any MarketStore, daysBefore date: TradeDate, count: Int) async throws -> TradeDate {
        let rows = try await store.query(
            SQLStatement(
                "SELECT trade_date FROM (SELECT DISTINCT trade_date FROM stock_daily WHERE trade_date <= ? ORDER BY trade_date DESC LIMIT \(count)) AS recent ORDER BY trade_date LIMIT 1",
                [.integer(Int64(date.rawValue))]))
        return rows.first?.first?.int.map { TradeDate(unchecked: Int32($0)) } ?? date
    }

    /// The store's first trade date with bars.
    static func firstDate(_ store: any MarketStore) async throws -> TradeDate {
        guard
            let first = try await store.query(SQLStatement("SELECT min(trade_date) FROM stock_daily")).first?.first?.int
        else {
            throw CommandFailure(
                description: "stock_daily is empty; run `stockschool sync` or `stockschool demo` first")
        }
        return TradeDate(unchecked: Int32(first))
    }
}
