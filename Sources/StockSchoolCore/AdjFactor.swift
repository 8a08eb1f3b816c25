/// Tushare `adj_factor`: the cumulative adjustment factor for dividends and splits.
///
/// Backward-adjusted price (后复权 hfq) = price × adj_factor; forward-adjusted (前复权 qfq) =
/// price × adj_factor / latest adj_factor. The store keeps raw prices and this factor, and
/// adjusts on read, because forward-adjusted history changes after every ex-date.
public struct AdjFactor: Sendable, Equatable, Hashable {
    public var tsCode: TSCode
    public var tradeDate: TradeDate
    public var adjFactor: Double

    public init(tsCode: TSCode, tradeDate: TradeDate, adjFactor: Double) {
        self.tsCode = tsCode
        self.tradeDate = tradeDate
        self.adjFactor = adjFactor
    }
}
