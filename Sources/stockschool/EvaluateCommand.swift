import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore

extension ReturnConvention: ExpressibleByArgument {}

struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Which factors predict returns: IC, RankIC, quantile returns, turnover, decay.",
        discussion: """
            Computes the factors (on backward-adjusted prices) and evaluates each against
            forward returns with Alphalens' definitions (docs/research.md): per date the
            IC (Pearson) and RankIC (Spearman) across stocks; their mean, std, IR =
            mean/std, t-stat, p-value and share of positive days; mean forward return per
            quantile, demeaned by date; the top−bottom spread; quantile turnover; factor
            rank autocorrelation; coverage.

            --convention next (the default, Qlib's label) measures close(t+1) →
            close(t+1+h), a return a strategy trading after the signal could earn; close
            measures close(t) → close(t+h). A stock suspended or closing limit-up at entry
            cannot be bought and is left out of that date; the report says how many were.

            Daily ICs are stored in factor_ic (one row per factor, convention, horizon,
            date); --no-store skips that.

            Examples:
              stockschool evaluate --factor ROC5
              stockschool evaluate --set alpha158 --start 20200102 --end 20241231
              stockschool evaluate --expr '-Std($close/Ref($close,1),20)' --horizons 1,5 --quantiles 10
              stockschool evaluate --set alpha158-quick --csv ic.csv
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: FactorScope

    @Option(
        help: ArgumentHelp("A factor set (alpha158, alpha158-quick, technical, value, user, yours).", valueName: "name")
    )
    var set: String?

    @Option(help: ArgumentHelp("One factor by name (see `factors list`).", valueName: "name"))
    var factor: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("A formula, e.g. 'Ref($close,5)/$close' (may start with -).", valueName: "formula"))
    var expr: String?

    @Option(help: ArgumentHelp("Forward-return horizons in trade days.", valueName: "h,h"))
    var horizons = "1,5,10,20"

    @Option(help: "Forward returns: next (close t+1 → t+1+h, Qlib's label) or close (close t → t+h).")
    var convention: ReturnConvention = .next

    @Option(help: ArgumentHelp("Quantile groups per date.", valueName: "q"))
    var quantiles = 5

    @Option(help: ArgumentHelp("Write one row per factor and horizon to this CSV file.", valueName: "file.csv"))
    var csv: String?

    @Flag(name: .customLong("no-store"), help: "Do not write the daily ICs to factor_ic.")
    var noStore = false

    func validate() throws {
        guard [set, factor, expr].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --set, --factor and --expr")
        }
        _ = try parsedHorizons()
        guard (2...100).contains(quantiles) else {
            throw ValidationError("--quantiles must be between 2 and 100, got \(quantiles)")
        }
    }

    func parsedHorizons() throws -> [Int] {
        let parts = horizons.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try parts.map { part -> Int in
            guard let h = Int(part), (1...250).contains(h) else {
                throw ValidationError("--horizons: '\(part)' is not a number of trade days between 1 and 250")
            }
            return h
        }
        guard !values.isEmpty else { throw ValidationError("--horizons: give at least one horizon") }
        guard Set(values).count == values.count else {
            throw ValidationError("--horizons: '\(horizons)' repeats a horizon")
        }
        return values
    }

    func run() async throws {
        let configuration = try global.configuration()
        let catalog = try FactorCatalog.load(configuration)
        let formulas = try ResearchFactors.formulas(set: set, factor: factor, expr: expr, catalog: catalog)
        let horizons = try parsedHorizons()
        var evaluations: [(String, FactorEvaluation)] = []
        var stored = 0
        let started = Date()
        let run = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            let job = EvaluationJob(
                factors: try await scope.job(formulas, store: store, configuration: configuration), horizons: horizons,
                convention: convention, quantiles: quantiles)
            let bar = ProgressBar(label: "evaluate", unit: "factors")
            let (run, written) = try await job.runStoringICs(store: store, storeICs: !noStore) { name, evaluation in
                // The report needs the summaries only; the daily series are in factor_ic.
                evaluations.append((name, evaluation.withoutDailySeries))
                bar.update(completed: evaluations.count, total: formulas.count, detail: name)
            }
            bar.finish()
            stored = written
            return run
        }
        let order = Dictionary(formulas.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        evaluations.sort { order[$0.0, default: 0] < order[$1.0, default: 0] }
        let seconds = Date().timeIntervalSince(started)
        let report = EvaluationReport(
            run: run, evaluations: evaluations, convention: convention, quantiles: quantiles, seconds: seconds,
            stored: stored)
        if let csv { try report.writeCSV(to: csv) }
        if global.json { return try Output.json(report.json) }
        report.print(detailed: evaluations.count <= 3)
        if let csv { print("\nwrote \(report.rows.count) rows to \(csv)") }
    }
}

/// The formulas a research command names with --set, --factor or --expr.
enum ResearchFactors {
    static func formulas(
        set: String?, factor: String?, expr: String?, catalog: FactorCatalog
    ) throws -> [(name: String, formula: Formula)] {
        if let set { return try catalog.formulas(set: set) }
        if let factor {
            guard let named = catalog.factor(named: factor) else {
                throw StockSchoolError.invalidArgument(
                    name: "--factor",
                    reason: "no factor named '\(factor)'; see `stockschool factors list`\(catalog.yoursNote)")
            }
            return try catalog.parse([named])
        }
        return [(expr ?? "", try FactorJob.formula(expression: expr ?? ""))]
    }
}
