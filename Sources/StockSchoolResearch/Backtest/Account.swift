import StockSchoolCore

/// A cash account and its stock positions at a simulated A-share broker: it fills or refuses
/// orders by the exchange's rules, applies corporate actions, and marks the book to market.
///
/// The account walks forward through the panel's trade dates (``advance(to:)``) and trades on
/// the current one at the day's deal price (``DealPrice``). Rules, each refusal an
/// ``OrderRejection``:
/// - no bar that day (suspended): no buy, no sell; a held stock stays held and is valued at its
///   last close;
/// - a buy at limit-up or a sell at limit-down does not fill;
/// - T+1: shares bought today cannot be sold today;
/// - buys are whole lots (100 shares), rounded down to what the budget and the cash cover with
///   costs; sells are whole lots, or the whole holding (odd lots only go with the rest).
///
/// **Corporate actions.** Positions are raw shares, and on each new day they are multiplied by
/// `adj_factor(t) / adj_factor(t − 1)`. A bonus issue (送转) is exact that way: 10送10 doubles
/// the factor and the shares. A cash dividend also raises the factor, by `close(t−1) / (close(t−1)
/// − dividend)`, so the extra (fractional) shares are the dividend reinvested at the ex-date
/// price. Valuing raw shares at raw prices this way equals valuing the original shares at
/// backward-adjusted (`hfq`) prices, the panel's return convention, without a cash-dividend
/// calendar the panel does not have. Dividend tax is ignored.
///
/// Storage is dense per stock (allocated once) plus a short list of held stocks, so a day's work
/// is proportional to the holdings, not to the market.
public struct Account: Sendable {
    public let panel: TradingPanel
    public let costs: TradingCosts
    public let dealPrice: DealPrice
    public let lotSize: Int
    /// Cash in CNY.
    public private(set) var cash: Double
    /// The index of the current trade date in `panel.dates`.
    public private(set) var date: Int
    /// The held stocks (indices into `panel.tsCodes`), ascending.
    public private(set) var held: [Int] = []
    private var shareCount: [Double]
    private var boughtToday: [Double]
    private var lastPrice: [Double]

    /// An account with `cash` CNY and no positions on the `date`-th trade date.
    public init(
        panel: TradingPanel, cash: Double, on date: Int = 0, costs: TradingCosts = .aShare,
        dealPrice: DealPrice = .close, lotSize: Int = 100
    ) throws(StockSchoolError) {
        guard cash.isFinite, cash > 0 else {
            throw .invalidArgument(name: "--cash", reason: "\(cash) must be a positive amount of CNY")
        }
        guard lotSize >= 1 else { throw .invalidArgument(name: "--lot", reason: "\(lotSize) must be at least 1 share") }
        guard date >= 0, date < panel.dateCount else {
            throw .invalidArgument(
                name: "account date", reason: "index \(date) is outside the panel's \(panel.dateCount) dates")
        }
        try costs.validate()
        self.panel = panel
        self.costs = costs
        self.dealPrice = dealPrice
        self.lotSize = lotSize
        self.cash = cash
        self.date = date
        shareCount = [Double](repeating: 0, count: panel.stockCount)
        boughtToday = shareCount
        lastPrice = [Double](repeating: .nan, count: panel.stockCount)
    }

    /// Shares of `stock` held (raw shares, fractional after dividends are reinvested).
    public func shares(of stock: Int) -> Double { shareCount[stock] }

    /// Shares of `stock` bought on the current date, which T+1 keeps from being sold today.
    public func sharesBoughtToday(of stock: Int) -> Double { boughtToday[stock] }

    /// The close `stock` is valued at: today's if it traded (after ``markToMarket()``), else the
    /// last one seen; NaN if never seen.
    public func lastClose(of stock: Int) -> Double { lastPrice[stock] }

    /// Moves to a later trade date: multiplies each holding by the change of its `adj_factor`
    /// (see the type's documentation) and lets yesterday's buys be sold. A date that is not later
    /// is ignored.
    public mutating func advance(to newDate: Int) {
        guard newDate > date, newDate < panel.dateCount else { return }
        for stock in held {
            let before = panel.adjFactor[panel.cell(stock, date)]
            let after = panel.adjFactor[panel.cell(stock, newDate)]
            let ratio = after / before
            if ratio.isFinite, ratio > 0, ratio != 1 {
                shareCount[stock] *= ratio
                // The close seen before the ex-date is a pre-action price; restate it so a stock
                // suspended over its ex-date keeps its value.
                lastPrice[stock] /= ratio
            }
            boughtToday[stock] = 0
        }
        date = newDate
    }

    /// The quote an order on `stock` meets today, NaN without a bar.
    @inline(__always) func quotedPrice(_ cell: Int) -> Double {
        switch dealPrice {
        case .close: panel.close[cell]
        case .open: panel.traded(cell) ? panel.open[cell] : .nan
        }
    }

    /// Buys as many whole lots of `stock` as `budget` (capped by the cash) pays for, costs
    /// included, at today's deal price plus slippage.
    ///
    /// The lot count is the largest `l` with `l·u + max(l·u·rate, minimum) ≤ budget`, where `u`
    /// is the price of one lot: both `l ≤ budget / (u·(1 + rate))` and `l ≤ (budget − minimum) / u`.
    @discardableResult
    public mutating func buy(_ stock: Int, budget: Double) -> Trade {
        let cell = panel.cell(stock, date)
        let quote = quotedPrice(cell)
        guard !quote.isNaN else { return rejected(stock, .buy, shares: 0, price: nil, .suspended) }
        let price = costs.buyPrice(quote)
        let spend = Swift.min(budget, cash)
        let lots = affordableLots(price: price, spend: spend)
        let shares = Double(lots * lotSize)
        if panel.atLimitUp(quote, cell) { return rejected(stock, .buy, shares: shares, price: price, .limitUp) }
        guard lots >= 1 else { return rejected(stock, .buy, shares: 0, price: price, .insufficientCash) }
        return fillBuy(stock, shares: shares, price: price, quote: quote)
    }

    /// Buys exactly `shares` of `stock` (a whole number of lots), if the cash covers them with
    /// costs.
    @discardableResult
    public mutating func buy(_ stock: Int, shares: Int) -> Trade {
        guard shares > 0, shares % lotSize == 0 else {
            return rejected(stock, .buy, shares: Double(shares), price: nil, .invalidQuantity)
        }
        let cell = panel.cell(stock, date)
        let quote = quotedPrice(cell)
        guard !quote.isNaN else { return rejected(stock, .buy, shares: Double(shares), price: nil, .suspended) }
        let price = costs.buyPrice(quote)
        if panel.atLimitUp(quote, cell) { return rejected(stock, .buy, shares: Double(shares), price: price, .limitUp) }
        let amount = price * Double(shares)
        guard amount + costs.commission(amount: amount) <= cash else {
            return rejected(stock, .buy, shares: Double(shares), price: price, .insufficientCash)
        }
        return fillBuy(stock, shares: Double(shares), price: price, quote: quote)
    }

    private mutating func fillBuy(_ stock: Int, shares: Double, price: Double, quote: Double) -> Trade {
        let amount = price * shares
        let commission = costs.commission(amount: amount)
        cash -= amount + commission
        if shareCount[stock] == 0 { insertHeld(stock) }
        shareCount[stock] += shares
        boughtToday[stock] += shares
        lastPrice[stock] = quote
        return Trade(
            date: panel.dates[date], tsCode: panel.tsCodes[stock], side: .buy, shares: shares, price: price,
            amount: amount, commission: commission, stampDuty: 0, status: .filled, reason: nil)
    }

    /// Sells `shares` of `stock`, or the whole holding when `shares` is `nil`, at today's deal
    /// price less slippage; pays commission and stamp duty.
    @discardableResult
    public mutating func sell(_ stock: Int, shares requested: Double? = nil) -> Trade {
        let holding = shareCount[stock]
        guard holding > 0 else { return rejected(stock, .sell, shares: requested ?? 0, price: nil, .noPosition) }
        let shares = requested ?? holding
        guard shares > 0, shares.isFinite else {
            return rejected(stock, .sell, shares: shares.isFinite ? shares : 0, price: nil, .invalidQuantity)
        }
        let cell = panel.cell(stock, date)
        let quote = quotedPrice(cell)
        guard !quote.isNaN else { return rejected(stock, .sell, shares: shares, price: nil, .suspended) }
        let price = costs.sellPrice(quote)
        if panel.atLimitDown(quote, cell) { return rejected(stock, .sell, shares: shares, price: price, .limitDown) }
        let whole = shares >= holding - 1e-9
        if shares > holding + 1e-9 { return rejected(stock, .sell, shares: shares, price: price, .insufficientShares) }
        if shares > holding - boughtToday[stock] + 1e-9 {
            return rejected(stock, .sell, shares: shares, price: price, .tPlusOne)
        }
        if !whole, shares.truncatingRemainder(dividingBy: Double(lotSize)) != 0 {
            return rejected(stock, .sell, shares: shares, price: price, .oddLot)
        }
        let sold = whole ? holding : shares
        let amount = price * sold
        let commission = costs.commission(amount: amount)
        let stampDuty = costs.stampDuty(amount: amount, on: panel.dates[date])
        cash += amount - commission - stampDuty
        if whole {
            shareCount[stock] = 0
            boughtToday[stock] = 0
            removeHeld(stock)
        } else {
            shareCount[stock] -= sold
        }
        return Trade(
            date: panel.dates[date], tsCode: panel.tsCodes[stock], side: .sell, shares: sold, price: price,
            amount: amount, commission: commission, stampDuty: stampDuty, status: .filled, reason: nil)
    }

    /// Values every holding at today's close (the last close for a stock without a bar) and
    /// returns the net asset value: cash plus holdings, in CNY.
    @discardableResult
    public mutating func markToMarket() -> Double {
        var value = cash
        for stock in held {
            let close = panel.close[panel.cell(stock, date)]
            if !close.isNaN { lastPrice[stock] = close }
            value += shareCount[stock] * lastPrice[stock]
        }
        return value
    }

    /// The value of the holdings at the current marks (``markToMarket()`` updates them), plus cash.
    public var netAssetValue: Double {
        held.reduce(cash) { $0 + shareCount[$1] * lastPrice[$1] }
    }

    /// The net asset value with each holding at today's deal price where it trades (the last close
    /// otherwise): what the book is worth at the moment orders execute, the base for sizing buys.
    public func netAssetValueAtDealPrice() -> Double {
        var value = cash
        for stock in held {
            let quote = quotedPrice(panel.cell(stock, date))
            value += shareCount[stock] * (quote.isNaN ? lastPrice[stock] : quote)
        }
        return value
    }

    // MARK: - Internals

    @inline(__always) func affordableLots(price: Double, spend: Double) -> Int {
        let lot = price * Double(lotSize)
        guard lot > 0, spend > 0 else { return 0 }
        let byRate = spend / (lot * (1 + costs.commissionRate))
        let byMinimum = (spend - costs.minimumCommission) / lot
        var lots = Int(Swift.max(0, Swift.min(byRate, byMinimum, Double(Int32.max))).rounded(.down))
        // The divisions can land an ulp either side of a whole number; settle on the exact cost.
        func fits(_ lots: Int) -> Bool {
            let amount = lot * Double(lots)
            return amount + costs.commission(amount: amount) <= spend
        }
        while lots > 0, !fits(lots) { lots -= 1 }
        if fits(lots + 1) { lots += 1 }
        return lots
    }

    private func rejected(
        _ stock: Int, _ side: Trade.Side, shares: Double, price: Double?, _ reason: OrderRejection
    ) -> Trade {
        Trade(
            date: panel.dates[date], tsCode: panel.tsCodes[stock], side: side, shares: shares, price: price, amount: 0,
            commission: 0, stampDuty: 0, status: .rejected, reason: reason)
    }

    private mutating func insertHeld(_ stock: Int) {
        var index = held.count
        while index > 0, held[index - 1] > stock { index -= 1 }
        held.insert(stock, at: index)
    }

    private mutating func removeHeld(_ stock: Int) {
        if let index = held.firstIndex(of: stock) { held.remove(at: index) }
    }
}
