import StockSchoolCore

/// What a trade costs on top of the shares: the broker's commission, the state's stamp duty and
/// the market's slippage.
///
/// Amounts are kept exact (not rounded to the fen): a backtest compares strategies, and rounding
/// each fee would add noise of a fen per order without changing any conclusion.
public struct TradingCosts: Codable, Sendable, Equatable {
    /// Commission as a fraction of the traded amount, both sides (0.03%, the usual retail rate).
    public var commissionRate: Double
    /// The commission charged at least per order, in CNY (5 CNY on the exchanges' usual terms):
    /// it is what makes small orders expensive.
    public var minimumCommission: Double
    /// Stamp duty on sells only, as a fraction of the amount, for trade dates before
    /// ``stampDutyChangeDate`` (0.1%).
    public var stampDutyRate: Double
    /// Stamp duty on sells from ``stampDutyChangeDate`` on (0.05%, halved on 2023-08-28).
    public var reducedStampDutyRate: Double
    /// The first trade date the reduced rate applies to.
    public var stampDutyChangeDate: TradeDate
    /// Adverse price impact as a fraction of the price: buys pay `price × (1 + s)`, sells receive
    /// `price × (1 − s)`. 0 by default, as in Qlib.
    public var slippage: Double

    public init(
        commissionRate: Double = 0.0003, minimumCommission: Double = 5, stampDutyRate: Double = 0.001,
        reducedStampDutyRate: Double = 0.0005, stampDutyChangeDate: TradeDate = TradeDate(unchecked: 2023_08_28),
        slippage: Double = 0
    ) {
        self.commissionRate = commissionRate
        self.minimumCommission = minimumCommission
        self.stampDutyRate = stampDutyRate
        self.reducedStampDutyRate = reducedStampDutyRate
        self.stampDutyChangeDate = stampDutyChangeDate
        self.slippage = slippage
    }

    /// The default A-share costs (0.03% commission, 5 CNY minimum, stamp duty 0.1% / 0.05%, no
    /// slippage).
    public static let aShare = TradingCosts()

    /// Commission on an order of `amount` CNY: `max(amount × rate, minimum)`; nothing for an empty
    /// order.
    @inline(__always) public func commission(amount: Double) -> Double {
        amount > 0 ? Swift.max(amount * commissionRate, minimumCommission) : 0
    }

    /// Stamp duty on a sell of `amount` CNY on `date`.
    @inline(__always) public func stampDuty(amount: Double, on date: TradeDate) -> Double {
        amount * (date < stampDutyChangeDate ? stampDutyRate : reducedStampDutyRate)
    }

    /// The price a buy pays when the quote is `price`.
    @inline(__always) public func buyPrice(_ price: Double) -> Double { price * (1 + slippage) }

    /// The price a sell receives when the quote is `price`.
    @inline(__always) public func sellPrice(_ price: Double) -> Double { price * (1 - slippage) }

    /// Checks the rates are usable, naming the CLI flag of a bad one.
    public func validate() throws(StockSchoolError) {
        for (flag, rate) in [
            ("--commission", commissionRate), ("--stamp-duty", stampDutyRate), ("--stamp-duty", reducedStampDutyRate),
        ] where !(rate.isFinite && rate >= 0 && rate < 1) {
            throw .invalidArgument(name: flag, reason: "\(rate) must be a fraction of the amount in [0, 1)")
        }
        guard minimumCommission.isFinite, minimumCommission >= 0 else {
            throw .invalidArgument(
                name: "--min-commission", reason: "\(minimumCommission) must be a finite CNY amount ≥ 0")
        }
        guard slippage.isFinite, slippage >= 0, slippage < 1 else {
            throw .invalidArgument(name: "--slippage", reason: "\(slippage) must be a fraction of the price in [0, 1)")
        }
    }
}
