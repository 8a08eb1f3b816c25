import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

/// One `stockschool evaluate`: computes factors over a range and evaluates each against forward
/// returns (Alphalens definitions, `FactorAnalyzer`), streaming results factor by factor.
///
/// Factors are computed on backward-adjusted prices (`hfq`): a value at date t then depends on
/// nothing after t, the same numbers the score model and the backtester see.
public struct EvaluationJob: Sendable {
    public var factors: FactorJob
    public var horizons: [Int]
    public var convention: ReturnConvention
    public var quantiles: Int
    public var minimumStocks: Int

    public init(
        factors: FactorJob, horizons: [Int] = [1, 5, 10, 20], convention: ReturnConvention = .next,
        quantiles: Int = 5, minimumStocks: Int = 10
    ) {
        var factors = factors
        factors.adjustment = .hfq
        factors.extraFields.formUnion(TradingPanelLoader.factorPanelFields)
        self.factors = factors
        self.horizons = horizons
        self.convention = convention
        self.quantiles = quantiles
        self.minimumStocks = minimumStocks
    }

    /// What the evaluation ran on, for the report header.
    public struct Run: Sendable {
        public let tsCodes: [TSCode]
        public let dates: [TradeDate]
        /// Per date, stocks that traded but could not be entered: suspended, limit-up.
        public let suspendedAtEntry: [Int]
        public let limitUpAtEntry: [Int]
    }

    /// Evaluates every factor like `run`, and writes their daily ICs to `factor_ic` in one
    /// transaction at the end (unless `storeICs` is false). Returns the run and the rows written.
    @discardableResult
    public func runStoringICs(
        store: any MarketStore, storeICs: Bool = true,
        consume: (_ name: String, _ evaluation: FactorEvaluation) throws -> Void
    ) async throws -> (run: Run, stored: Int) {
        var records: [FactorICRecord] = []
        var excluded: [Int] = []
        let run = try await run(store: store) { run in
            excluded = zip(run.suspendedAtEntry, run.limitUpAtEntry).map { $0 + $1 }
            // At most one row per factor, horizon and date: reserved once, the array (2.2M rows
            // for Alpha158 on 3,400 dates) is not copied into fresh pages at every doubling.
            if storeICs { records.reserveCapacity(factors.factors.count * horizons.count * run.dates.count) }
        } consume: { name, evaluation in
            if storeICs { records += Self.records(factor: name, evaluation, excluded: excluded) }
            try consume(name, evaluation)
        }
        if storeICs {
            try await store.upsert(records)
            try await store.bumpGeneration(.factors)
        }
        return (run, records.count)
    }

    /// Evaluates every factor, handing each result to `consume` as soon as it is ready;
    /// `prepared` learns the stocks, dates and exclusions first.
    @discardableResult
    public func run(
        store: any MarketStore, prepared: (Run) throws -> Void = { _ in },
        consume: (_ name: String, _ evaluation: FactorEvaluation) throws -> Void
    ) async throws -> Run {
        var analyzer: FactorAnalyzer?
        var run: Run?
        _ = try await factors.run(store: store) { shape in
            let panel = try await TradingPanelLoader.load(from: shape, store: store)
            let returns = try ForwardReturns(panel: panel, horizons: horizons, convention: convention)
            analyzer = try FactorAnalyzer(forwardReturns: returns, quantiles: quantiles, minimumStocks: minimumStocks)
            run = Run(
                tsCodes: shape.tsCodes, dates: shape.dates, suspendedAtEntry: returns.suspendedAtEntry,
                limitUpAtEntry: returns.limitUpAtEntry)
            if let run { try prepared(run) }
        } consume: { name, values in
            guard let analyzer else { return }
            try consume(name, try analyzer.evaluate(values))
        }
        guard let run else {
            throw StockSchoolError.invalidArgument(name: "--start/--end", reason: "no dates to evaluate")
        }
        return run
    }

    /// The `factor_ic` rows of one evaluation.
    public static func records(
        factor: String, _ evaluation: FactorEvaluation, excluded: [Int]
    ) -> [FactorICRecord] {
        evaluation.horizons.flatMap { horizon in
            evaluation.dates.indices.compactMap { d -> FactorICRecord? in
                let n = horizon.stockCounts[d]
                guard n > 0 else { return nil }
                return FactorICRecord(
                    factor: factor, convention: evaluation.convention.rawValue, horizon: Int64(horizon.horizon),
                    tradeDate: evaluation.dates[d], ic: horizon.ic[d].isFinite ? horizon.ic[d] : nil,
                    rankIC: horizon.rankIC[d].isFinite ? horizon.rankIC[d] : nil, n: Int64(n),
                    excluded: Int64(excluded[d]))
            }
        }
    }
}
