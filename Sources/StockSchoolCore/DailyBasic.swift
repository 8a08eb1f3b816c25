/// Tushare `daily_basic`: valuation and turnover per stock and day.
///
/// Units: `turnover_rate*`, `dv_*` in percent; shares in 万股 (10,000 shares); `total_mv` and
/// `circ_mv` in 万元 (10,000 CNY). `pe`/`pe_ttm` are `nil` for loss-making companies, as
/// Tushare leaves them empty.
public struct DailyBasic: Sendable, Equatable, Hashable {
    public var tsCode: TSCode
    public var tradeDate: TradeDate
    public var close: Double?
    public var turnoverRate: Double?
    public var turnoverRateF: Double?
    public var volumeRatio: Double?
    public var pe: Double?
    public var peTtm: Double?
    public var pb: Double?
    public var ps: Double?
    public var psTtm: Double?
    public var dvRatio: Double?
    public var dvTtm: Double?
    public var totalShare: Double?
    public var floatShare: Double?
    public var freeShare: Double?
    public var totalMv: Double?
    public var circMv: Double?

    public init(tsCode: TSCode, tradeDate: TradeDate) {
        self.tsCode = tsCode
        self.tradeDate = tradeDate
    }
}
