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
        let days = dates.count
        for s in 0..<tsCodes.count {
            var last = Double.nan
            for d in 0..<days {
                let i = s * days + d
                if adj[i] > 0 { last = adj[i] } else { adj[i] = last }
            }
        }
        return try await build(
            store: store, tsCodes: tsCodes, dates: dates, open: daily[0], close: daily[1], preClose: daily[2],
            adjFactor: adj, benchmark: benchmark)
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
        var rawOpen = [Double](repeating: .nan, count: cells)
        var rawClose = rawOpen
        var rawPreClose = rawOpen
        var ratio = rawOpen
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
                guard factor > 0 else { continue }
                rawOpen[o] = open[i] / factor
                rawClose[o] = close[i] / factor
                rawPreClose[o] = preClose[i] / factor
            }
        }
        return try await build(
            store: store, tsCodes: shape.tsCodes, dates: shape.dates, open: rawOpen, close: rawClose,
            preClose: rawPreClose, adjFactor: ratio, benchmark: benchmark)
    }

    /// Limits from `pre_close` and each stock's board, ST status and listing date; the benchmark
    /// from `index_daily`.
    static func build(
        store: any MarketStore, tsCodes: [TSCode], dates: [TradeDate], open: [Double], close: [Double],
        preClose: [Double], adjFactor: [Double], benchmark: TSCode?
    ) async throws -> TradingPanel {
        let basics = Dictionary(
            try await store.read(StockBasic.self).map { ($0.tsCode, $0) }, uniquingKeysWith: { a, _ in a })
        let days = dates.count
        var up = [Double](repeating: .nan, count: tsCodes.count * days)
        var down = up
        for (s, code) in tsCodes.enumerated() {
            guard let first = dates.first else { break }
            let basic = basics[code]
            let board = code.board ?? .main
            let isST = basic?.isST ?? false
            // Trading days since listing, counted on this panel's calendar; a listing before the
            // panel is taken to be far enough back that its unlimited first days are over.
            let listedAt = basic?.listDate.flatMap { date in date >= first ? dates.partitionPoint { $0 < date } : nil }
            for d in 0..<days {
                let i = s * days + d
                guard !close[i].isNaN else { continue }
                let limit = PriceLimit(
                    board: board, isST: isST, tradeDate: dates[d], tradingDaysSinceListing: listedAt.map { d - $0 })
                if preClose[i].isNaN {
                    up[i] = .infinity
                    down[i] = -.infinity
                } else {
                    up[i] = limit.limitUp(preClose: preClose[i]) ?? .infinity
                    down[i] = limit.limitDown(preClose: preClose[i]) ?? -.infinity
                }
            }
        }
        var benchmarkClose: [Double]?
        if let benchmark, let first = dates.first, let last = dates.last {
            let frame = try await store.panel(
                PanelRequest(table: "index_daily", fields: ["close"], start: first, end: last, tsCodes: [benchmark]))
            let close = frame.values(on: [benchmark], dates: dates)[0]
            benchmarkClose = close.contains { !$0.isNaN } ? close : nil
        }
        return try TradingPanel(
            tsCodes: tsCodes, dates: dates, open: open, close: close, adjFactor: adjFactor, limitUp: up,
            limitDown: down, industries: tsCodes.map { basics[$0]?.industry }, benchmark: benchmarkClose,
            benchmarkCode: benchmarkClose == nil ? nil : benchmark)
    }
}
