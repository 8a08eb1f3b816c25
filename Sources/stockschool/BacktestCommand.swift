import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore

extension RebalanceFrequency: ExpressibleByArgument {}
extension DealPrice: ExpressibleByArgument {}

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "How a portfolio of the best-ranked stocks would have done under A-share rules.",
        discussion: """
            Each trade date's signal (a stored score, or a factor) is acted on the next
            trade date at its close (or open): sells first, then buys. A-share rules
            apply: T+1 (nothing bought today is sold today), no buy at limit-up, no sell
            at limit-down, no trade while suspended (the stock stays held at its last
            close), 100-share lots, commission (0.03%, at least 5 CNY an order), stamp
            duty on sells (0.1% before 2023-08-28, 0.05% from then), optional slippage.
            Refused orders are listed with their reason.

            --top N holds the best N (sell what leaves the top N, buy what enters); with
            --drop D it is Qlib's TopK-dropout: hold N, replace at most D of them each
            rebalance.

            Metrics follow empyrical (docs/research.md): annual return, volatility,
            Sharpe, Sortino, max drawdown and its dates, Calmar, excess return and
            information ratio against the benchmark (000300.SH), win rate, turnover. The
            run is stored in backtest_runs with its orders in backtest_trades; --out DIR
            also writes nav.csv, positions.csv and trades.csv.

            Examples:
              stockschool backtest --score default --top 50 --rebalance weekly --start 20230103 --end 20241231
              stockschool backtest --factor ROC5 --top 30 --drop 3 --rebalance daily
              stockschool backtest --expr '-Std($close,20)' --top 50 --rebalance monthly --out bt/
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A stored score model (see `stockschool score`).", valueName: "name"))
    var score: String?

    @Option(help: ArgumentHelp("Rank by one factor (see `factors list`), computed on the fly.", valueName: "name"))
    var factor: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Rank by a formula, computed on the fly (may start with -).", valueName: "formula"))
    var expr: String?

    @Option(help: ArgumentHelp("Names to hold.", valueName: "n"))
    var top = 50

    @Option(help: ArgumentHelp("TopK-dropout: replace at most this many names per rebalance.", valueName: "n"))
    var drop: Int?

    @Option(help: "How often to rebalance: daily, weekly (first trade date of each week) or monthly.")
    var rebalance: RebalanceFrequency = .weekly

    @Option(name: .customLong("deal-price"), help: "The price orders fill at on the trade date: close or open.")
    var dealPrice: DealPrice = .close

    @Option(help: ArgumentHelp("Starting cash in CNY.", valueName: "cny"))
    var cash: Double = 10_000_000

    @Option(help: ArgumentHelp("Commission rate per order.", valueName: "rate"))
    var commission: Double = 0.0003

    @Option(
        name: .customLong("min-commission"),
        help: ArgumentHelp("Minimum commission per order in CNY.", valueName: "cny"))
    var minimumCommission: Double = 5

    @Option(help: ArgumentHelp("Slippage as a fraction of the price, against the trader.", valueName: "fraction"))
    var slippage: Double = 0

    @Option(help: ArgumentHelp("Benchmark index (index_daily), or none.", valueName: "code|none"))
    var benchmark = "000300.SH"

    @Option(help: ArgumentHelp("First trade date (default: a year before the last).", valueName: "yyyymmdd"))
    var start: TradeDate?

    @Option(help: ArgumentHelp("Last trade date (default: the store's last).", valueName: "yyyymmdd"))
    var end: TradeDate?

    @Option(help: Universe.help)
    var universe = "all"

    @Option(
        help: ArgumentHelp("Also write nav.csv, positions.csv and trades.csv into this directory.", valueName: "dir"))
    var out: String?

    @Flag(name: .customLong("no-store"), help: "Do not store the run in backtest_runs.")
    var noStore = false

    func validate() throws {
        guard [score, factor, expr].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --score, --factor and --expr")
        }
        if let start, let end, start > end { throw ValidationError("--start \(start) is after --end \(end)") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
        if let drop, drop < 0 || drop > top {
            throw ValidationError("--drop must be between 0 and --top (\(top)), got \(drop)")
        }
        guard cash.isFinite, cash > 0 else { throw ValidationError("--cash must be a positive amount, got \(cash)") }
        guard commission >= 0, commission < 0.1 else {
            throw ValidationError("--commission must be in [0, 0.1), got \(commission)")
        }
        guard minimumCommission >= 0 else { throw ValidationError("--min-commission must not be negative") }
        guard slippage >= 0, slippage < 0.1 else {
            throw ValidationError("--slippage must be in [0, 0.1), got \(slippage)")
        }
        if benchmark != "none", (try? TSCode(benchmark)) == nil {
            throw ValidationError("--benchmark: '\(benchmark)' is not a ts_code like 000300.SH (or none)")
        }
        _ = try Universe.parse(universe)
    }

    func run() async throws {
        let configuration = try global.configuration()
        let catalog = try FactorCatalog.load(configuration)
        let signal: BacktestJob.Signal
        if let score {
            signal = .score(name: score)
        } else {
            let formulas = try ResearchFactors.formulas(set: nil, factor: factor, expr: expr, catalog: catalog)
            signal = .factor(name: formulas[0].name, formula: formulas[0].formula)
        }
        var costs = TradingCosts.aShare
        costs.commissionRate = commission
        costs.minimumCommission = minimumCommission
        costs.slippage = slippage
        let settings = BacktestSettings(
            strategy: drop.map { .topKDropout(k: top, drop: $0) } ?? .topN(top), rebalance: rebalance,
            dealPrice: dealPrice, initialCash: cash, costs: costs)
        let started = Date()
        let (result, id) = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            let last = try await Universe.lastDate(store)
            let to = end ?? last
            var from = start ?? to
            if start == nil { from = try await Universe.tradeDate(store, daysBefore: to, count: 244) }
            let job = BacktestJob(
                signal: signal, settings: settings, start: from, end: to, universe: try Universe.parse(universe),
                benchmark: benchmark == "none" ? nil : try TSCode(benchmark), cache: FactorScope.cache(configuration))
            if noStore { return (try await job.run(store: store), Int64?.none) }
            let id = try await store.startBacktestRun(
                name: signal.description, start: from, end: to, parameters: job.parametersJSON)
            do {
                let result = try await job.run(store: store)
                try await store.finishBacktestRun(id, result: result)
                return (result, Optional(id))
            } catch {
                try? await store.failBacktestRun(id, message: "\(error)")
                throw error
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if let out { try BacktestFiles.write(result, to: out) }
        if global.json {
            return try Output.json(
                BacktestSummary(id: id, signal: signal.description, seconds: seconds, result: result))
        }
        BacktestSummary.print(result, id: id, signal: signal.description, seconds: seconds)
        if let out { Swift.print("\nwrote nav.csv, positions.csv and trades.csv to \(out)") }
    }
}
