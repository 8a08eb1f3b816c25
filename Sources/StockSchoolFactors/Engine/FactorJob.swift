import Foundation
import StockSchoolCore
import StockSchoolStore

/// One `factors compute`: which formulas, over which stocks and dates, adjusted how.
public struct FactorJob: Sendable {
    public var factors: [(name: String, formula: Formula)]
    public var start: TradeDate
    public var end: TradeDate
    /// The stocks: all, a list, or an index's members as of each date (values of a stock on a
    /// date it is not a member are NaN).
    public var universe: StockUniverse
    public var adjustment: PriceAdjustment
    public var strict: Bool
    /// Where loaded panels are kept for the next run; `nil` loads from the store every time.
    public var cache: PanelCache?
    /// Cross-sectional steps applied to every factor, in order (docs/factors.md).
    public var preprocess: [Preprocessing] = []
    /// Panel fields to load (and cache) besides those the formulas read, for a consumer that
    /// needs them alongside the factors (research builds its trading panel from them).
    public var extraFields: Set<String> = []

    public init(
        factors: [(name: String, formula: Formula)], start: TradeDate, end: TradeDate, universe: StockUniverse = .all,
        adjustment: PriceAdjustment = .qfq, strict: Bool = false, cache: PanelCache? = nil
    ) {
        self.cache = cache
        self.factors = factors
        self.start = start
        self.end = end
        self.universe = universe
        self.adjustment = adjustment
        self.strict = strict
    }

    /// The formulas of a set (`alpha158`, `technical`, …, and with a catalog loaded from the
    /// configuration, `user` and the user's own) or one factor by name, parsed.
    public static func formulas(
        set name: String, in catalog: FactorCatalog = .shipped
    ) throws -> [(name: String, formula: Formula)] {
        try catalog.formulas(set: name)
    }

    /// A formula typed by the user, parsed against the panel's fields.
    public static func formula(expression: String) throws -> Formula {
        let formula: Formula
        do {
            formula = try FormulaParser(knownFields: Set(FactorPanelLoader.allFields)).parse(expression)
        } catch {
            throw StockSchoolError.invalidArgument(name: "--expr", reason: "\(error)")
        }
        try rejectLookahead("--expr", formula)
        return formula
    }

    /// A factor may not read rows after its date; `Ref(x, -n)` is for labels.
    static func rejectLookahead(_ name: String, _ formula: Formula) throws {
        guard formula.lookahead > 0 else { return }
        throw StockSchoolError.invalidArgument(
            name: name,
            reason: "looks \(formula.lookahead) rows ahead (Ref with a negative shift): that is a label, not a factor")
    }

    /// The stocks and dates of the results a consumer receives, and the panel they came from
    /// (warm-up dates included: the results start at `panel.dates[first]`).
    public struct Shape: Sendable {
        public let tsCodes: [TSCode]
        public let dates: [TradeDate]
        public let panel: FactorPanel
        public let first: Int
    }

    /// Loads the panel (only the fields the formulas read, from far enough before `start` for
    /// every window to be warm — see `Formula.warmup`) and evaluates, streaming each factor to
    /// `consume` trimmed to `start…end` (stock-major, one value per stock and date of the shape).
    /// An index universe masks each value to the members of its date before preprocessing, and
    /// cross-sectional operators rank among each date's members, so every cross-section — in a
    /// formula or a preprocessing step — sees only that day's members.
    @discardableResult
    public func run(
        store: any MarketStore, prepared: (Shape) async throws -> Void = { _ in },
        consume: (_ name: String, _ values: UnsafeBufferPointer<Double>) throws -> Void
    ) async throws -> Shape {
        let (panel, skip, graph, membership) = try await prepare(store: store)
        let shape = Shape(tsCodes: panel.tsCodes, dates: Array(panel.dates[skip...]), panel: panel, first: skip)
        try await prepared(shape)
        let preprocessor = try await preprocessor(for: panel, skip: skip, store: store)
        let mask = membership?.mask(tsCodes: shape.tsCodes, dates: shape.dates)
        var evaluator = FactorEvaluator(panel: panel, strict: strict)
        evaluator.crossSectionMask = membership?.mask(tsCodes: panel.tsCodes, dates: panel.dates)
        try evaluator.evaluate(graph, skip: skip) { name, values in
            if mask == nil, preprocessor == nil { return try consume(name, values) }
            var column = mask?.apply(values) ?? Array(values)
            if let preprocessor { column = preprocessor.apply(column) }
            try column.withUnsafeBufferPointer { try consume(name, $0) }
        }
        return shape
    }

    /// Every factor's `FactorSummary`, in order, without writing values out (see
    /// `FactorEvaluator.summarize`); with preprocessing, from the preprocessed columns.
    public func summarize(
        store: any MarketStore, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> (Shape, [FactorSummary]) {
        guard preprocess.isEmpty, universe.isFixed else {
            var summaries: [FactorSummary] = []
            let shape = try await run(store: store) { name, values in
                summaries.append(FactorSummary(name: name, values: values))
                progress(summaries.count, factors.count)
            }
            let order = Dictionary(factors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
            return (shape, summaries.sorted { order[$0.name, default: 0] < order[$1.name, default: 0] })
        }
        let (panel, skip, graph, _) = try await prepare(store: store)
        let shape = Shape(tsCodes: panel.tsCodes, dates: Array(panel.dates[skip...]), panel: panel, first: skip)
        let summaries = try FactorEvaluator(panel: panel, strict: strict).summarize(
            graph, skip: skip, progress: progress)
        return (shape, summaries)
    }

    /// The panel (only the fields the formulas read, from far enough before `start` for every
    /// window to be warm — see `Formula.warmup`), how many of its first dates are warm-up, the
    /// factors' graph, and for an index universe its membership over the panel's dates (warm-up
    /// included, for cross-sectional operators).
    func prepare(
        store: any MarketStore
    ) async throws -> (FactorPanel, skip: Int, FactorGraph, membership: IndexMembership?) {
        for factor in factors { try Self.rejectLookahead("formula \(factor.name)", factor.formula) }
        let fields = factors.reduce(into: Set<String>()) { $0.formUnion($1.formula.fields) }
        let warmup = factors.map(\.formula.warmup).max() ?? 0
        var loadFrom = start
        if warmup > 0 {
            let earlier = try await store.query(
                SQLStatement(
                    "SELECT DISTINCT trade_date FROM stock_daily WHERE trade_date < ? ORDER BY trade_date DESC LIMIT \(warmup)",
                    [.integer(Int64(start.rawValue))]))
            if let first = earlier.last?.first?.int { loadFrom = TradeDate(unchecked: Int32(first)) }
        }
        let (tsCodes, membership) = try await universe.resolve(store: store, start: loadFrom, end: end)
        var needed = (fields.isEmpty ? ["close"] : fields).union(extraFields)
        if preprocess.contains(.neutralize) { needed.insert("total_mv") }
        let panel: FactorPanel
        if let cached = try await cache?.load(
            store: store, start: loadFrom, end: end, tsCodes: tsCodes, adjustment: adjustment, fields: needed)
        {
            panel = cached
        } else {
            panel = try await FactorPanelLoader.load(
                store: store, start: loadFrom, end: end, tsCodes: tsCodes, adjustment: adjustment, fields: needed)
            try? await cache?.save(panel, store: store, start: loadFrom, end: end, tsCodes: tsCodes)
        }
        var graph = FactorGraph()
        for factor in factors { graph.add(factor.name, factor.formula) }
        return (panel, panel.dates.partitionPoint { $0 < start }, graph, membership)
    }

    /// Each stock's last `all - skip` dates of a stock-major column with `all` dates per stock.
    static func trim(_ values: UnsafeBufferPointer<Double>, skip: Int, all: Int) -> [Double] {
        let kept = all - skip
        let stocks = all > 0 ? values.count / all : 0
        return [Double](unsafeUninitializedCapacity: stocks * kept) { out, count in
            for s in 0..<stocks {
                _ = UnsafeMutableBufferPointer(rebasing: out[(s * kept)..<((s + 1) * kept)])
                    .update(fromContentsOf: values[(s * all + skip)..<((s + 1) * all)])
            }
            count = stocks * kept
        }
    }

    /// Industries come from `stock_basic`, size from `daily_basic.total_mv`.
    func preprocessor(
        for panel: FactorPanel, skip: Int, store: any MarketStore
    ) async throws
        -> CrossSectionPreprocessor?
    {
        guard !preprocess.isEmpty else { return nil }
        var industries = [Int](repeating: -1, count: panel.stockCount)
        if preprocess.contains(.neutralize) {
            let named = Dictionary(
                try await store.read(StockBasic.self).map { ($0.tsCode, $0.industry ?? "") },
                uniquingKeysWith: { a, _ in a })
            var index: [String: Int] = [:]
            for (s, code) in panel.tsCodes.enumerated() {
                let industry = named[code] ?? ""
                // A stock without an industry is its own group, so it is only size-neutralised.
                industries[s] = industry.isEmpty ? -2 - s : index[industry, default: index.count]
                if !industry.isEmpty, index[industry] == nil { index[industry] = index.count }
            }
        }
        let size = (panel.values("total_mv") ?? []).map { $0 > 0 ? Foundation.log($0) : .nan }
        let kept = size.withUnsafeBufferPointer { Self.trim($0, skip: skip, all: panel.dateCount) }
        return CrossSectionPreprocessor(
            steps: preprocess, industries: industries, logMarketValue: kept, stocks: panel.stockCount,
            dates: panel.dateCount - skip)
    }
}
