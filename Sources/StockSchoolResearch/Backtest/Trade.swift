import StockSchoolCore

/// One order a backtest placed, filled or rejected: a row of `backtest_trades`, and the same
/// snake_case names in JSON.
///
/// A rejected order keeps what was asked (`shares`, and `price` when there was a quote) with a
/// zero `amount` and no costs, so the trade list shows what a rule prevented, not only what
/// happened.
public struct Trade: Codable, Sendable, Equatable {
    public enum Side: String, Codable, Sendable { case buy, sell }
    public enum Status: String, Codable, Sendable { case filled, rejected }

    public var date: TradeDate
    public var tsCode: TSCode
    public var side: Side
    /// Shares traded (filled) or asked for (rejected; 0 when a buy's size could not be worked out
    /// without a price). Fractional only after corporate actions (see ``Account``).
    public var shares: Double
    /// The price paid or received, slippage included; the quote a rejected order met, or `nil`
    /// without a bar.
    public var price: Double?
    /// `price × shares` in CNY, before costs; 0 when rejected.
    public var amount: Double
    public var commission: Double
    public var stampDuty: Double
    public var status: Status
    public var reason: OrderRejection?

    public init(
        date: TradeDate, tsCode: TSCode, side: Side, shares: Double, price: Double?, amount: Double,
        commission: Double, stampDuty: Double, status: Status, reason: OrderRejection?
    ) {
        self.date = date
        self.tsCode = tsCode
        self.side = side
        self.shares = shares
        self.price = price
        self.amount = amount
        self.commission = commission
        self.stampDuty = stampDuty
        self.status = status
        self.reason = reason
    }

    /// Cash that left (buy, negative) or came in (sell, positive), costs included.
    public var cashFlow: Double {
        switch side {
        case .buy: -(amount + commission)
        case .sell: amount - commission - stampDuty
        }
    }

    enum CodingKeys: String, CodingKey {
        case date = "trade_date"
        case tsCode = "ts_code"
        case side, shares, price, amount, commission
        case stampDuty = "stamp_duty"
        case status, reason
    }
}
