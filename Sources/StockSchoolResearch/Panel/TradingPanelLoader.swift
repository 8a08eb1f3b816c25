import StockSchoolCore
import StockSchoolFactors
import StockSchoolStore

/// Reads a `TradingPanel` from the store onto given stocks and dates — the shape of a factor
/// job's output — so factor values and trading facts line up cell for cell.
public enum TradingPanelLoader {
    /// The benchmark the issue and the operations manual name: CSI 300.
    public static let defaultBenchmark = TSCode(literal: "000300.SH")

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
        let adjRaw = try await store.panel(
            PanelRequest(table: "adj_factor", fields: ["adj_factor"], start: first, end: last, tsCodes: codes)
        ).values(on: tsCodes, dates: dates)[0]
        let basics = Dictionary(
            try await store.read(StockBasic.self).map { ($0.tsCode, $0) }, uniquingKeysWith: { a, _ in a })

        let days = dates.count
        var adj = adjRaw
        for s in 0..<tsCodes.count {
            var last = Double.nan
            for d in 0..<days {
                let i = s * days + d
                if adj[i] > 0 { last = adj[i] } else { adj[i] = last }
            }
        }
        var up = [Double](repeating: .nan, count: tsCodes.count * days)
        var down = up
        for (s, code) in tsCodes.enumerated() {
            let basic = basics[code]
            let board = code.board ?? .main
            let isST = basic?.isST ?? false
            // Trading days since listing, counted on this panel's calendar; a listing before the
            // panel is taken to be far enough back that its unlimited first days are over.
            let listedAt = basic?.listDate.flatMap { date in date >= first ? dates.partitionPoint { $0 < date } : nil }
            for d in 0..<days {
                let i = s * days + d
                let preClose = daily[2][i]
                guard !daily[1][i].isNaN else { continue }
                let sinceListing = listedAt.map { d - $0 }
                let limit = PriceLimit(
                    board: board, isST: isST, tradeDate: dates[d], tradingDaysSinceListing: sinceListing)
                if preClose.isNaN {
                    up[i] = .infinity
                    down[i] = -.infinity
                } else {
                    up[i] = limit.limitUp(preClose: preClose) ?? .infinity
                    down[i] = limit.limitDown(preClose: preClose) ?? -.infinity
                }
            }
        }
        var benchmarkClose: [Double]?
        if let benchmark {
            let frame = try await store.panel(
                PanelRequest(table: "index_daily", fields: ["close"], start: first, end: last, tsCodes: [benchmark]))
            let close = frame.values(on: [benchmark], dates: dates)[0]
            benchmarkClose = close.contains { !$0.isNaN } ? close : nil
        }
        return try TradingPanel(
            tsCodes: tsCodes, dates: dates, open: daily[0], close: daily[1], adjFactor: adj, limitUp: up,
            limitDown: down, industries: tsCodes.map { basics[$0]?.industry }, benchmark: benchmarkClose,
            benchmarkCode: benchmarkClose == nil ? nil : benchmark)
    }
}
