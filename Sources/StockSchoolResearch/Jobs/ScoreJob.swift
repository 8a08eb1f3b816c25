import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

/// One `stockschool score`: a score model's scores and ranks over a range of dates, from factors
/// computed on backward-adjusted prices and weights from ICs realised by each date.
public struct ScoreJob: Sendable {
    public var name: String
    public var factors: [(name: String, formula: Formula)]
    public var weighting: ScoreWeighting
    public var window: Int
    public var horizon: Int
    public var convention: ReturnConvention
    public var start: TradeDate
    public var end: TradeDate
    /// The stocks scored; an index universe scores each date's members only, and their ICs behind
    /// the weights come from the members of each past date.
    public var universe: StockUniverse
    public var cache: PanelCache?

    public init(
        name: String, factors: [(name: String, formula: Formula)], weighting: ScoreWeighting = .icir,
        window: Int = 60, horizon: Int = 5, convention: ReturnConvention = .next, start: TradeDate,
        end: TradeDate, universe: StockUniverse = .all, cache: PanelCache? = nil
    ) {
        self.name = name
        self.factors = factors
        self.weighting = weighting
        self.window = window
        self.horizon = horizon
        self.convention = convention
        self.start = start
        self.end = end
        self.universe = universe
        self.cache = cache
    }

    /// Trade dates after an IC's date before it is realised.
    public var realisationLag: Int { horizon + convention.entryOffset }

    public struct Run: Sendable {
        public let result: ScoreResult
        public let tsCodes: [TSCode]
        /// The scored dates (`result`'s dates), from `start`.
        public let dates: [TradeDate]
        public let industries: [String?]
    }

    /// Computes the scores (nothing is written; `save` does that).
    public func run(store: any MarketStore) async throws -> Run {
        guard horizon >= 1 else {
            throw StockSchoolError.invalidArgument(name: "--horizon", reason: "must be at least 1")
        }
        guard start <= end else { throw StockSchoolError.invalidDateRange(start: start, end: end) }
        // IC weights need `window` realised ICs before the first scored date: start that much
        // earlier (plus the realisation lag), on the market's own trading days.
        let history = weighting == .equal ? 0 : window + realisationLag + 1
        var from = start
        if history > 0 {
            let earlier = try await store.query(
                SQLStatement(
                    "SELECT DISTINCT trade_date FROM stock_daily WHERE trade_date < ? ORDER BY trade_date DESC LIMIT \(history)",
                    [.integer(Int64(start.rawValue))]))
            if let first = earlier.last?.first?.int { from = TradeDate(unchecked: Int32(first)) }
        }
        var job = FactorJob(factors: factors, start: from, end: end, universe: universe, adjustment: .hfq, cache: cache)
        job.preprocess = []
        job.extraFields = TradingPanelLoader.factorPanelFields
        var analyzer: FactorAnalyzer?
        var model: CompositeScore?
        var panel: TradingPanel?
        let shape = try await job.run(store: store) { shape in
            let loaded = try await TradingPanelLoader.load(from: shape, store: store, benchmark: nil)
            let returns = try ForwardReturns(panel: loaded, horizons: [horizon], convention: convention)
            analyzer = try FactorAnalyzer(forwardReturns: returns)
            model = try CompositeScore(
                weighting: weighting, window: window, realisationLag: realisationLag, stocks: shape.tsCodes.count,
                dates: shape.dates.count, from: shape.dates.partitionPoint { $0 < start })
            panel = loaded
        } consume: { name, values in
            guard let analyzer, let dates = model?.dates else { return }
            // Equal weights need no ICs: skip evaluating the factor.
            let ic =
                weighting == .equal
                ? [Double](repeating: .nan, count: dates) : try analyzer.evaluate(values).horizons[0].rankIC
            try model?.add(name, values: values, dailyIC: ic)
        }
        guard let model, let panel else {
            throw StockSchoolError.invalidArgument(name: "--start/--end", reason: "no dates to score")
        }
        let first = shape.dates.partitionPoint { $0 < start }
        return Run(
            result: model.finish(industries: panel.industries), tsCodes: shape.tsCodes,
            dates: Array(shape.dates[first...]), industries: panel.industries)
    }
}
