/// Why the simulated exchange refused an order. Each case is an A-share rule (or plain
/// arithmetic), so a backtest's trade list says which rule bit and how often.
///
/// Encoded as the raw value (`limit_up`, …), the form `backtest_trades.reason` stores;
/// `description` is the sentence for people.
public enum OrderRejection: String, Codable, Sendable, Error, CaseIterable, CustomStringConvertible {
    /// No bar that day: the stock is suspended (or not listed yet, or delisted), so nothing trades.
    case suspended = "suspended"
    /// The deal price is at the day's limit-up: the queue is all buyers, a buy does not fill.
    case limitUp = "limit_up"
    /// The deal price is at the day's limit-down: the queue is all sellers, a sell does not fill.
    case limitDown = "limit_down"
    /// T+1: shares bought today can be sold from the next trading day.
    case tPlusOne = "t_plus_1"
    /// The cash (or the order's budget) does not cover one lot plus costs.
    case insufficientCash = "insufficient_cash"
    /// Selling a stock that is not held.
    case noPosition = "no_position"
    /// Selling more shares than are held.
    case insufficientShares = "insufficient_shares"
    /// Selling a part of a holding that is not a whole number of lots: odd lots may only be sold
    /// together with the rest of the holding, as on the exchange.
    case oddLot = "odd_lot"
    /// A quantity that is zero, negative or not a number.
    case invalidQuantity = "invalid_quantity"

    public var description: String {
        switch self {
        case .suspended: "no bar that day (suspended): the stock did not trade"
        case .limitUp: "the deal price is at limit-up: a buy does not fill"
        case .limitDown: "the deal price is at limit-down: a sell does not fill"
        case .tPlusOne: "T+1: shares bought today can only be sold from the next trading day"
        case .insufficientCash: "the cash does not cover one lot (100 shares) plus costs"
        case .noPosition: "the stock is not held"
        case .insufficientShares: "more shares than are held"
        case .oddLot: "a partial sell must be whole lots; odd lots only go with the whole holding"
        case .invalidQuantity: "the quantity must be a positive number of shares"
        }
    }
}
