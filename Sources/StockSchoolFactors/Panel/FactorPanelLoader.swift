import StockSchoolCore
import StockSchoolStore

/// Loads a `FactorPanel` from the store: `stock_daily` for the prices, `adj_factor` to adjust them,
/// and chosen `daily_basic` fields, all aligned on the stocks and dates of `stock_daily`.
public enum FactorPanelLoader {
    /// `daily_basic` fields a formula may read (all of its numeric columns).
    public static let basicFields = [
        "turnover_rate", "turnover_rate_f", "volume_ratio", "pe", "pe_ttm", "pb", "ps", "ps_ttm", "dv_ratio", "dv_ttm",
        "total_share", "float_share", "free_share", "total_mv", "circ_mv",
    ]

    /// Every field a panel can hold.
    public static let allFields =
        ["open", "high", "low", "close", "pre_close", "vwap", "volume", "amount", "adj_factor"] + basicFields

    /// - Parameters:
    ///   - fields: the fields needed (others are not loaded); `daily_basic` is read only when one
    ///     of its fields is asked for.
    ///   - tsCodes: the universe; `nil` = every stock with a bar in the range.
    public static func load(
        store: any MarketStore, start: TradeDate, end: TradeDate, tsCodes: [TSCode]? = nil,
        adjustment: PriceAdjustment = .qfq, fields: Set<String> = Set(allFields)
    ) async throws -> FactorPanel {
        if let unknown = fields.subtracting(allFields).sorted().first {
            throw StockSchoolError.invalidArgument(
                name: "field",
                reason: "'\(unknown)' is not a panel field; choose from \(allFields.joined(separator: ", "))")
        }
        // pre_close is read only when asked for: most factor sets never need it.
        let dailyFields =
            ["open", "high", "low", "close", "vol", "amount"] + (fields.contains("pre_close") ? ["pre_close"] : [])
        var daily = try await store.panel(
            PanelRequest(table: "stock_daily", fields: dailyFields, start: start, end: end, tsCodes: tsCodes))
        if tsCodes != nil {
            // A few stocks' own rows would drop the days they were suspended, and windows would
            // then span more days than on the whole market: keep every trading day, NaN where
            // the stock has no bar.
            let days = try await tradingDays(store: store, start: start, end: end)
            let onDays = PanelFrame(
                tsCodes: daily.tsCodes, dates: days, fields: daily.fields, values: [], rowCount: daily.rowCount)
            daily = PanelFrame(
                tsCodes: daily.tsCodes, dates: days, fields: daily.fields, values: try aligned(daily, to: onDays),
                rowCount: daily.rowCount)
        }
        let stocks = daily.tsCodes.count
        let days = daily.dates.count
        let adj = try await aligned(
            store.panel(
                PanelRequest(table: "adj_factor", fields: ["adj_factor"], start: start, end: end, tsCodes: tsCodes)),
            to: daily)[0]
        let ratio = adjustmentRatios(adj, stocks: stocks, days: days, adjustment: adjustment)

        var out: [String: [Double]] = [:]
        let (open, high, low, close, vol, amount) = (
            daily.values[0], daily.values[1], daily.values[2], daily.values[3], daily.values[4], daily.values[5]
        )
        func adjusted(_ raw: [Double]) -> [Double] { zip(raw, ratio).map { $0 * $1 } }
        if fields.contains("open") { out["open"] = adjusted(open) }
        if fields.contains("high") { out["high"] = adjusted(high) }
        if fields.contains("low") { out["low"] = adjusted(low) }
        if fields.contains("close") { out["close"] = adjusted(close) }
        if fields.contains("pre_close") { out["pre_close"] = adjusted(daily.values[6]) }
        if fields.contains("volume") { out["volume"] = zip(vol, ratio).map { $0 / $1 } }
        if fields.contains("amount") { out["amount"] = amount }
        if fields.contains("adj_factor") { out["adj_factor"] = adj }
        if fields.contains("vwap") {
            // amount is in 千元 and vol in 手 (100 shares): vwap = amount × 1000 / (vol × 100).
            out["vwap"] = (0..<(stocks * days)).map { i in vol[i] > 0 ? amount[i] * 10 / vol[i] * ratio[i] : .nan }
        }
        let basics = basicFields.filter(fields.contains)
        if !basics.isEmpty {
            let frame = try await store.panel(
                PanelRequest(table: "daily_basic", fields: basics, start: start, end: end, tsCodes: tsCodes))
            for (name, values) in zip(basics, try aligned(frame, to: daily)) { out[name] = values }
        }
        return try FactorPanel(tsCodes: daily.tsCodes, dates: daily.dates, adjustment: adjustment, fields: out)
    }

    /// The market's trading days in `start...end`: the days on which any stock has a bar. Each
    /// step of the recursion is one index probe (`min(trade_date) > d`), so this reads a few
    /// thousand index entries, not every row.
    public static func tradingDays(store: any MarketStore, start: TradeDate, end: TradeDate) async throws -> [TradeDate]
    {
        let rows = try await store.query(
            SQLStatement(
                """
                WITH RECURSIVE day(d) AS (
                    SELECT min(trade_date) FROM stock_daily WHERE trade_date >= ?
                    UNION ALL
                    SELECT (SELECT min(trade_date) FROM stock_daily WHERE trade_date > day.d) FROM day
                    WHERE day.d IS NOT NULL AND day.d < ?
                )
                SELECT d FROM day WHERE d IS NOT NULL AND d <= ?
                """,
                [.integer(Int64(start.rawValue)), .integer(Int64(end.rawValue)), .integer(Int64(end.rawValue))]))
        return rows.compactMap { $0.first?.int }.map { TradeDate(unchecked: Int32($0)) }
    }

    /// Rearranges `frame`'s fields onto `target`'s stocks and dates (NaN where `frame` has none).
    static func aligned(_ frame: PanelFrame, to target: PanelFrame) throws -> [[Double]] {
        frame.values(on: target.tsCodes, dates: target.dates)
    }

    /// Per cell, the factor prices are multiplied by. A day without an `adj_factor` uses the
    /// stock's previous one (the factor only changes on ex-dates); before the first known one, 1
    /// for `hfq` and the first known ratio for `qfq`. A stock with none at all is left as traded.
    static func adjustmentRatios(_ adj: [Double], stocks: Int, days: Int, adjustment: PriceAdjustment) -> [Double] {
        var ratio = [Double](repeating: 1, count: stocks * days)
        guard adjustment != .none else { return ratio }
        for s in 0..<stocks {
            let base = s * days
            var filled = [Double](repeating: .nan, count: days)
            var last = Double.nan
            for d in 0..<days {
                if adj[base + d] > 0 { last = adj[base + d] }
                filled[d] = last
            }
            guard let latest = filled.last(where: { !$0.isNaN }),
                let first = filled.first(where: { !$0.isNaN })
            else { continue }
            for d in 0..<days {
                let factor = filled[d].isNaN ? first : filled[d]
                ratio[base + d] = adjustment == .qfq ? factor / latest : factor
            }
        }
        return ratio
    }
}
