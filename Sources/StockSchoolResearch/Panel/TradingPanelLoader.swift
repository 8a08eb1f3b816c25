import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

/// Reads a `TradingPanel` from the store onto given stocks and dates — the shape of a factor
/// job's output — so factor values and trading facts line up cell for cell.
public enum TradingPanelLoader {
    /// The benchmark the issue and the operations manual name: CSI 300.
    public static let defaultBenchmark = TSCode(literal: "000300.SH")

    /// The panel fields a factor job loads (and caches) alongside its formulas' so that
    /// `load(from:store:benchmark:)` needs no second read of `stock_daily`.
    public static let factorPanelFields: Set<String> = ["open", "close", "pre_close", "adj_factor"]

    /// Every stock with a bar in `start...end` (or the stocks of `tsCodes`) on the market's
    /// trading days of that range.
    public static func load(
        store: any MarketStore, start: TradeDate, end: TradeDate, tsCodes: [TSCode]? = nil,
        benchmark: TSCode? = defaultBenchmark
    ) async throws -> TradingPanel {
        guard start <= end else { throw StockSchoolError.invalidDateRange(start: start, end: end) }
        let dates = try await FactorPanelLoader.tradingDays(store: store, start: start, end: end)
        var codes = tsCodes
        if codes == nil {
            let rows = try await store.query(
                SQLStatement(
                    "SELECT DISTINCT ts_code FROM stock_daily WHERE trade_date BETWEEN ? AND ? ORDER BY ts_code",
                    [.integer(Int64(start.rawValue)), .integer(Int64(end.rawValue))]))
            codes = try rows.compactMap { $0.first?.string }.map { try TSCode($0) }
        }
        return try await load(
            store: store, tsCodes: codes ?? [], dates: dates, restrict: tsCodes != nil, benchmark: benchmark)
    }

    /// - Parameters:
    ///   - restrict: read only `tsCodes` from the store (a subset universe); `false` reads the
    ///     whole market in one sequential pass and drops what is not asked for, which is faster
    ///     when `tsCodes` is most of it.
    ///   - benchmark: an `index_daily` code, or `nil` for none.
    public static func load(
        store: any MarketStore, tsCodes: [TSCode], dates: [TradeDate], restrict: Bool = false,
        benchmark: TSCode? = defaultBenchmark
    ) async throws -> TradingPanel {
        guard let first = dates.first, let last = dates.last else {
            return try TradingPanel(
                tsCodes: tsCodes, dates: [], open: [], close: [], adjFactor: [], limitUp: [], limitDown: [],
                industries: tsCodes.map { _ in nil })
        }
        let codes = restrict ? tsCodes : nil
        let daily = try await store.panel(
            PanelRequest(
                table: "stock_daily", fields: ["open", "close", "pre_close"], start: first, end: last, tsCodes: codes)
        ).values(on: tsCodes, dates: dates)
        var adj = try await store.panel(
            PanelRequest(table: "adj_factor", fields: ["adj_factor"], start: first, end: last, tsCodes: codes)
        ).values(on: tsCodes, dates: dates)[0]
        let basics = try await Self.basics(store: store)
        let rules = PriceLimitRules(tsCodes: tsCodes, dates: dates, basics: basics)
        let days = dates.count
        let (close, preClose) = (daily[1], daily[2])
        let limits = FreshColumns.make(2, cells: tsCodes.count * days) { columns in
            let (up, down) = (columns[0], columns[1])
            for s in 0..<tsCodes.count {
                var last = Double.nan
                for d in 0..<days {
                    let i = s * days + d
                    if adj[i] > 0 { last = adj[i] } else { adj[i] = last }
                    (up[i], down[i]) =
                        close[i].isNaN ? (.nan, .nan) : rules.limits(stock: s, day: d, preClose: preClose[i])
                }
            }
        }
        return try await finish(
            store: store, tsCodes: tsCodes, dates: dates, open: daily[0], close: close, adjFactor: adj,
            limitUp: limits[0], limitDown: limits[1], basics: basics, benchmark: benchmark)
    }

    /// The trading panel of a factor job's results, from the panel the job loaded (which must
    /// hold `factorPanelFields`, backward-adjusted): raw prices are the adjusted ones divided by
    /// the adjustment ratio. Only `stock_basic` and the benchmark are read from the store.
    public static func load(
        from shape: FactorJob.Shape, store: any MarketStore, benchmark: TSCode? = defaultBenchmark
    ) async throws -> TradingPanel {
        let panel = shape.panel
        guard panel.adjustment == .hfq, let open = panel.values("open"), let close = panel.values("close"),
            let preClose = panel.values("pre_close"), let adj = panel.values("adj_factor")
        else {
            throw StockSchoolError.invalidArgument(
                name: "factor panel",
                reason: "needs hfq prices and the fields \(factorPanelFields.sorted().joined(separator: ", "))")
        }
        let all = panel.dateCount
        let skip = shape.first
        let days = all - skip
        let cells = panel.stockCount * days
        let basics = try await Self.basics(store: store)
        let rules = PriceLimitRules(tsCodes: shape.tsCodes, dates: shape.dates, basics: basics)
        let columns = FreshColumns.make(5, cells: cells) { columns in
            let (rawOpen, rawClose, ratio, up, down) = (columns[0], columns[1], columns[2], columns[3], columns[4])
            for s in 0..<panel.stockCount {
                // The hfq ratio as the loader applied it: the day's factor, carried over days
                // without one, and the first known one before it.
                var last = Double.nan
                var firstKnown = Double.nan
                for d in 0..<all where adj[s * all + d] > 0 {
                    firstKnown = adj[s * all + d]
                    break
                }
                for d in 0..<all {
                    let i = s * all + d
                    if adj[i] > 0 { last = adj[i] }
                    guard d >= skip else { continue }
                    let factor = last.isNaN ? firstKnown : last
                    let o = s * days + d - skip
                    ratio[o] = factor
                    let closes = factor > 0 && !close[i].isNaN
                    rawOpen[o] = factor > 0 ? open[i] / factor : .nan
                    rawClose[o] = closes ? close[i] / factor : .nan
                    if closes {
                        (up[o], down[o]) = rules.limits(stock: s, day: d - skip, preClose: preClose[i] / factor)
                    } else {
                        (up[o], down[o]) = (.nan, .nan)
                    }
                }
            }
        }
        return try await finish(
            store: store, tsCodes: shape.tsCodes, dates: shape.dates, open: columns[0], close: columns[1],
            adjFactor: columns[2], limitUp: columns[3], limitDown: columns[4], basics: basics, benchmark: benchmark)
    }

    /// `stock_basic` by code: board, ST status and listing date for the limits, the industry.
    static func basics(store: any MarketStore) async throws -> [TSCode: StockBasic] {
        Dictionary(try await store.read(StockBasic.self).map { ($0.tsCode, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The panel from its columns, with the benchmark's closes from `index_daily`.
    static func finish(
        store: any MarketStore, tsCodes: [TSCode], dates: [TradeDate], open: [Double], close: [Double],
        adjFactor: [Double], limitUp: [Double], limitDown: [Double], basics: [TSCode: StockBasic],
        benchmark: TSCode?
    ) async throws -> TradingPanel {
        var benchmarkClose: [Double]?
        if let benchmark, let first = dates.first, let last = dates.last {
            let frame = try await store.panel(
                PanelRequest(table: "index_daily", fields: ["close"], start: first, end: last, tsCodes: [benchmark]))
            let close = frame.values(on: [benchmark], dates: dates)[0]
            benchmarkClose = close.contains { !$0.isNaN } ? close : nil
        }
        return try TradingPanel(
            tsCodes: tsCodes, dates: dates, open: open, close: close, adjFactor: adjFactor, limitUp: limitUp,
            limitDown: limitDown, industries: tsCodes.map { basics[$0]?.industry }, benchmark: benchmarkClose,
            benchmarkCode: benchmarkClose == nil ? nil : benchmark)
    }
}
