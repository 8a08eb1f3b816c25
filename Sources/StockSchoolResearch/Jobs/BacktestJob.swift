import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

/// One `stockschool backtest`: what drives the portfolio (a stored score, or a factor computed
/// on the fly), the dates, the universe, and the `BacktestSettings`.
public struct BacktestJob: Sendable {
    /// What ranks the stocks each day; higher is better.
    public enum Signal: Sendable {
        /// A score model's stored scores (`stockschool score`).
        case score(name: String)
        /// A factor's values, computed on backward-adjusted prices.
        case factor(name: String, formula: Formula)

        public var description: String {
            switch self {
            case .score(let name): "score \(name)"
            case .factor(let name, _): "factor \(name)"
            }
        }
    }

    public var signal: Signal
    public var settings: BacktestSettings
    public var start: TradeDate
    public var end: TradeDate
    /// The stocks that may be bought; with an index universe, a stock only while it is a member
    /// (a held stock that leaves has no signal and is sold at the next rebalance).
    public var universe: StockUniverse
    public var benchmark: TSCode?
    public var cache: PanelCache?

    public init(
        signal: Signal, settings: BacktestSettings, start: TradeDate, end: TradeDate, universe: StockUniverse = .all,
        benchmark: TSCode? = TradingPanelLoader.defaultBenchmark, cache: PanelCache? = nil
    ) {
        self.signal = signal
        self.settings = settings
        self.start = start
        self.end = end
        self.universe = universe
        self.benchmark = benchmark
        self.cache = cache
    }

    /// The run's parameters as stored in `backtest_runs.parameters`.
    public var parametersJSON: String {
        struct Parameters: Encodable {
            let signal: String
            let start: String
            let end: String
            let universe: String
            let benchmark: String?
            let settings: BacktestSettings
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let parameters = Parameters(
            signal: signal.description, start: start.description, end: end.description,
            universe: universe.description, benchmark: benchmark?.description, settings: settings)
        return (try? encoder.encode(parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Loads the panel and the signal and runs the backtest. The panel starts one trade date
    /// before `start`: that day's signal drives the first day's orders.
    public func run(store: any MarketStore) async throws -> BacktestResult {
        guard start <= end else { throw StockSchoolError.invalidDateRange(start: start, end: end) }
        let before = try await store.query(
            SQLStatement(
                "SELECT max(trade_date) FROM stock_daily WHERE trade_date < ?", [.integer(Int64(start.rawValue))]))
        let from = before.first?.first?.int.map { TradeDate(unchecked: Int32($0)) } ?? start
        switch signal {
        case .score(let name):
            let (tsCodes, membership) = try await universe.resolve(store: store, start: from, end: end)
            let panel = try await TradingPanelLoader.load(
                store: store, start: from, end: end, tsCodes: tsCodes, benchmark: benchmark)
            var scores = try await store.scorePanel(name: name, tsCodes: panel.tsCodes, dates: panel.dates)
            membership?.mask(tsCodes: panel.tsCodes, dates: panel.dates).apply(to: &scores)
            guard scores.contains(where: { !$0.isNaN }) else {
                throw StockSchoolError.invalidArgument(
                    name: "--score",
                    reason:
                        "no scores named '\(name)' between \(from) and \(end); run `stockschool score --name \(name) --start \(from) --end \(end)` first"
                )
            }
            return try scores.withUnsafeBufferPointer { try backtest(panel: panel, scores: $0) }
        case .factor(let name, let formula):
            var panel: TradingPanel?
            var result: BacktestResult?
            var job = FactorJob(
                factors: [(name, formula)], start: from, end: end, universe: universe, adjustment: .hfq, cache: cache)
            job.extraFields = TradingPanelLoader.factorPanelFields
            try await job.run(store: store) { shape in
                panel = try await TradingPanelLoader.load(from: shape, store: store, benchmark: benchmark)
            } consume: { _, column in
                // Run while the job still holds the column: a copy would be another 100 MB of
                // fresh memory on a 10-year whole-market panel.
                if let panel { result = try backtest(panel: panel, scores: column) }
            }
            guard let result else {
                throw StockSchoolError.invalidArgument(name: "--start", reason: "no dates to backtest")
            }
            return result
        }
    }

    /// The backtest of `settings` from `start` through `end` on a loaded panel and its scores.
    private func backtest(panel: TradingPanel, scores: UnsafeBufferPointer<Double>) throws -> BacktestResult {
        var settings = settings
        let range = try panel.dateIndices(from: start, through: end)
        settings.startIndex = range.lowerBound
        settings.endIndex = range.upperBound
        return try Backtester.run(panel: panel, scores: scores, settings: settings)
    }
}
