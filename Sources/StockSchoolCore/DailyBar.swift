/// One stock's (or index's) unadjusted daily bar, Tushare `daily` / `index_daily`.
///
/// Units are Tushare's: prices in CNY, `vol` in 手 (lots of 100 shares), `amount` in 千元
/// (thousands of CNY), `pct_chg` in percent against `pre_close`, which is the previous close
/// already adjusted for any ex-rights event on this day.
public struct DailyBar: Sendable, Equatable, Hashable {
    public var tsCode: TSCode
    public var tradeDate: TradeDate
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var preClose: Double?
    public var change: Double?
    public var pctChg: Double?
    public var vol: Double?
    public var amount: Double?

    public init(
        tsCode: TSCode, tradeDate: TradeDate, open: Double, high: Double, low: Double, close: Double,
        preClose: Double?, change: Double?, pctChg: Double?, vol: Double?, amount: Double?
    ) {
        self.tsCode = tsCode
        self.tradeDate = tradeDate
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.preClose = preClose
        self.change = change
        self.pctChg = pctChg
        self.vol = vol
        self.amount = amount
    }

    /// Volume-weighted average price in CNY per share: `amount × 10 / vol` (千元 → 元 is ×1000,
    /// 手 → shares is ×100). `nil` when nothing traded.
    public var vwap: Double? {
        guard let vol, let amount, vol > 0 else { return nil }
        return amount * 10 / vol
    }
}

/// An index's daily bar (`index_daily`): the same fields as a stock's, kept in its own table.
public struct IndexDailyBar: Sendable, Equatable, Hashable {
    public var bar: DailyBar
    public init(_ bar: DailyBar) { self.bar = bar }
}
