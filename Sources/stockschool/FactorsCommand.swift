import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

struct FactorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factors",
        abstract: "List, compute and show factors (Alpha158, classic indicators, valuation, your own formulas).",
        discussion: """
            Formulas use Qlib's language (docs/factors.md): fields $open $high $low $close
            $vwap $volume $amount $adj_factor and the daily_basic columns ($pe_ttm, $pb,
            $total_mv, …); operators Mean Std Ref Corr Rank … plus CSRank, CSZScore and
            TA_* indicators.

            Your own named factors and sets live in ./factors.yaml (or the file
            factors.file / STOCKSCHOOL_FACTORS_FILE names), read on every run, no
            recompiling: its factors form the set `user`, and each name works wherever a
            shipped one does (docs/factors.md):
              factors:
                MOM20: "$close / Ref($close, 20) - 1"
              sets:
                my-momentum: {about: "momentum", factors: [MOM20, ROC20]}

            Examples:
              stockschool factors list --set alpha158
              stockschool factors compute --set alpha158 --start 20240102 --end 20241231 --summary
              stockschool factors compute --expr 'Mean($close,5)/$close' --out ma5.csv
              stockschool factors show RSI14 --ts-code 600000.SH --start 20240102 --end 20240329
              stockschool factors compute --set user --summary
            """,
        subcommands: [FactorsListCommand.self, FactorsComputeCommand.self, FactorsShowCommand.self])
}

struct FactorsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The factor sets (shipped and yours), or the factors of one set with their formulas.",
        discussion: """
            Your own factors and sets come from ./factors.yaml, or the file factors.file /
            STOCKSCHOOL_FACTORS_FILE names (docs/factors.md); its factors form the set
            `user`.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Only this set (alpha158, alpha158-quick, technical, value, user, or one of your file's).",
            valueName: "name"))
    var set: String?

    func run() async throws {
        struct Listed: Encodable {
            let name: String
            let set: String
            let formula: String
            let description: String?
        }
        let catalog = try FactorCatalog.load(try global.configuration())
        let factors: [FactorCatalog.Factor]
        if let set {
            guard let inSet = catalog.factors(in: set) else {
                throw StockSchoolError.invalidArgument(
                    name: "--set",
                    reason:
                        "unknown set '\(set)'; sets are \(catalog.sets.map(\.name).joined(separator: ", "))\(catalog.yoursNote)"
                )
            }
            factors = inSet
        } else {
            factors = catalog.all
        }
        if global.json {
            try Output.json(
                factors.map { Listed(name: $0.name, set: $0.set, formula: $0.formula, description: $0.about) })
            return
        }
        if set == nil {
            Output.table(
                ["set", "factors", "about"], catalog.sets.map { [$0.name, String($0.factors.count), $0.about] })
            print()
        }
        if factors.contains(where: { $0.about != nil }) {
            Output.table(
                ["name", "set", "formula", "description"],
                factors.map { [$0.name, $0.set, $0.formula, $0.about ?? ""] })
        } else {
            Output.table(["name", "set", "formula"], factors.map { [$0.name, $0.set, $0.formula] })
        }
    }
}

extension PriceAdjustment: ExpressibleByArgument {}

/// The dates and price adjustment of a computation (`compute` and `show`).
struct FactorRange: ParsableArguments {
    @Option(help: ArgumentHelp("First trade date (default: the store's first).", valueName: "yyyymmdd"))
    var start: TradeDate?

    @Option(help: ArgumentHelp("Last trade date (default: the store's last).", valueName: "yyyymmdd"))
    var end: TradeDate?

    @Option(help: "Price adjustment: qfq (forward), hfq (backward) or none.")
    var adj: PriceAdjustment = .qfq

    func validate() throws {
        if let start, let end, start > end {
            throw ValidationError("--start \(start) is after --end \(end)")
        }
    }

    /// The range to compute, defaulting to the store's `stock_daily` coverage.
    func resolved(in store: any MarketStore) async throws -> (TradeDate, TradeDate) {
        // Two subqueries: SQLite answers a lone min() or max() from the index, both together by a scan.
        let row = try await store.query(
            SQLStatement(
                "SELECT (SELECT min(trade_date) FROM stock_daily), (SELECT max(trade_date) FROM stock_daily)"))
        guard let first = row.first?.first?.int, let last = row.first?.last?.int else {
            throw CommandFailure(
                description: "stock_daily is empty; run `stockschool sync` or `stockschool demo` first")
        }
        return (start ?? TradeDate(unchecked: Int32(first)), end ?? TradeDate(unchecked: Int32(last)))
    }
}

/// Where a computation runs: range, universe, adjustment.
struct FactorScope: ParsableArguments {
    @OptionGroup var range: FactorRange

    @Option(help: Universe.help)
    var universe = "all"

    @Flag(help: "NaN until a rolling window holds all its rows (Qlib fills partial windows from the first row).")
    var strict = false

    @Option(
        help: ArgumentHelp(
            "Cross-sectional steps per date, in order: winsorize, zscore, rank, neutralize.",
            valueName: "step,step"))
    var preprocess: String?

    @Flag(
        name: .customLong("no-cache"),
        help: "Load from the store even if the panel cache (under the data directory) is current.")
    var noCache = false

    func validate() throws {
        _ = try Universe.parse(universe)
        if let preprocess {
            do { _ = try Preprocessing.parseList(preprocess) } catch { throw ValidationError("--preprocess: \(error)") }
        }
    }

    func job(
        _ factors: [(name: String, formula: Formula)], store: any MarketStore, configuration: StockSchoolConfiguration
    ) async throws -> FactorJob {
        let (from, to) = try await range.resolved(in: store)
        var job = FactorJob(
            factors: factors, start: from, end: to, universe: try Universe.parse(universe), adjustment: range.adj,
            strict: strict,
            cache: noCache ? nil : Self.cache(configuration))
        job.preprocess = try preprocess.map { try Preprocessing.parseList($0) } ?? []
        return job
    }

    /// Panels are cached under the data directory (docs/factors.md).
    static func cache(_ configuration: StockSchoolConfiguration) -> PanelCache {
        PanelCache(dataDirectory: configuration.dataDirectory)
    }
}

struct FactorsComputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute a factor set or a formula over the store; write a wide CSV or print a summary.",
        discussion: """
            --out writes ts_code,trade_date and one column per factor (an empty cell is
            NaN; days a stock did not trade are left out). --summary computes everything
            and prints per factor the count, NaN share, mean, std, min and max: the way to
            time a whole set.

            --set also takes your own factors and sets from ./factors.yaml (or the file
            factors.file / STOCKSCHOOL_FACTORS_FILE names): `--set user` is all of them.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: FactorScope

    @Option(
        help: ArgumentHelp(
            "A set (alpha158, alpha158-quick, technical, value; user and yours from factors.yaml) or one factor's name.",
            valueName: "name"))
    var set: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("A formula, e.g. 'Mean($close,5)/$close' (may start with -).", valueName: "formula"))
    var expr: String?

    @Option(help: ArgumentHelp("Column name for --expr.", valueName: "name"))
    var name = "factor"

    @Option(help: ArgumentHelp("Write the values to this CSV file.", valueName: "file.csv"))
    var out: String?

    @Flag(help: "Print a summary per factor instead of writing values.")
    var summary = false

    func validate() throws {
        guard (set == nil) != (expr == nil) else { throw ValidationError("give exactly one of --set and --expr") }
        guard (out == nil) != !summary else { throw ValidationError("give exactly one of --out FILE and --summary") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let factors: [(name: String, formula: Formula)] =
            if let set { try FactorCatalog.load(configuration).formulas(set: set) } else {
                [(name, try FactorJob.formula(expression: expr ?? ""))]
            }
        var summaries: [FactorSummary] = []
        var writer: WideCSVWriter?
        let started = Date()
        let panel = try await withStore(configuration) { store in
            _ = try await requireSchema(store)
            let job = try await scope.job(factors, store: store, configuration: configuration)
            if summary {
                // Summaries are made as values are computed, none written out.
                let bar = ProgressBar(label: "factors", unit: job.preprocess.isEmpty ? "stocks" : "factors")
                defer { bar.finish() }
                let (shape, all) = try await job.summarize(store: store) { bar.update(completed: $0, total: $1) }
                summaries = all
                return shape
            }
            let bar = ProgressBar(label: "factors", unit: "factors")
            defer { bar.finish() }
            var done = 0
            return try await job.run(store: store) { shape in
                if let out { writer = try WideCSVWriter(path: out, tsCodes: shape.tsCodes, dates: shape.dates) }
            } consume: { factor, values in
                try writer?.add(factor, values)
                done += 1
                bar.update(completed: done, total: factors.count, detail: factor)
            }
        }
        let rows = try writer?.finish(order: factors.map(\.name))
        let seconds = Date().timeIntervalSince(started)
        if global.json {
            struct Result: Encodable {
                let stocks: Int
                let dates: Int
                let factors: Int
                let seconds: Double
                let rowsWritten: Int?
                let summaries: [FactorSummary]?
            }
            try Output.json(
                Result(
                    stocks: panel.tsCodes.count, dates: panel.dates.count, factors: factors.count, seconds: seconds,
                    rowsWritten: rows, summaries: summary ? summaries : nil))
            return
        }
        print(
            "\(factors.count) factor\(factors.count == 1 ? "" : "s") × \(panel.tsCodes.count) stocks × \(panel.dates.count) days in \(String(format: "%.2f", seconds)) s"
        )
        if let rows, let out { print("wrote \(rows) rows to \(out)") }
        if summary {
            func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
            Output.table(
                ["factor", "values", "NaN share", "±inf", "mean", "std", "min", "max"],
                summaries.map {
                    [
                        $0.name, String($0.values), String(format: "%.3f", $0.nanShare), String($0.infinities),
                        f($0.mean),
                        f($0.std), f($0.min), f($0.max),
                    ]
                })
        }
    }
}

struct FactorsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One factor's values for one stock, day by day.",
        discussion: "The factor may be shipped or one of yours from ./factors.yaml (docs/factors.md).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A factor's name (see `factors list`).", valueName: "name"))
    var factor: String

    @Option(name: .customLong("ts-code"), help: ArgumentHelp("The stock.", valueName: "code"))
    var tsCode: TSCode

    @OptionGroup var range: FactorRange

    func run() async throws {
        let configuration = try global.configuration()
        let catalog = try FactorCatalog.load(configuration)
        guard let named = catalog.factor(named: factor) else {
            throw StockSchoolError.invalidArgument(
                name: "factor '\(factor)'", reason: "no such factor; see `stockschool factors list`\(catalog.yoursNote)"
            )
        }
        let formulas = try catalog.parse([named])
        var series: [Double] = []
        let panel = try await withStore(configuration) { store in
            _ = try await requireSchema(store)
            let (from, to) = try await range.resolved(in: store)
            let job = FactorJob(
                factors: formulas, start: from, end: to, universe: .codes([tsCode]),
                adjustment: range.adj, cache: FactorScope.cache(configuration))
            return try await job.run(store: store) { _, values in series = Array(values) }
        }
        guard panel.tsCodes.count == 1 else {
            throw CommandFailure(description: "\(tsCode) has no bars between the dates asked for")
        }
        let rows = zip(panel.dates, series).map { (date: $0.0.description, value: $0.1.isNaN ? nil : $0.1) }
        if global.json {
            struct Row: Encodable {
                let trade_date: String
                let value: Double?
            }
            try Output.json(rows.map { Row(trade_date: $0.date, value: $0.value) })
            return
        }
        Output.table(
            ["trade_date", factor], rows.map { [$0.date, $0.value.map { String(format: "%.6g", $0) } ?? ""] })
    }
}
