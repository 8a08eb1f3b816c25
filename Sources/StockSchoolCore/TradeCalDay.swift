/// One row of Tushare `trade_cal`: whether `cal_date` is a trading day on `exchange`, and the
/// open day before it.
public struct TradeCalDay: Sendable, Equatable, Hashable {
    public var exchange: String
    public var calDate: TradeDate
    public var isOpen: Bool
    public var pretradeDate: TradeDate?

    public init(exchange: String, calDate: TradeDate, isOpen: Bool, pretradeDate: TradeDate?) {
        self.exchange = exchange
        self.calDate = calDate
        self.isOpen = isOpen
        self.pretradeDate = pretradeDate
    }
}
