import StockSchoolCore

/// Runs a score-driven strategy through the simulated A-share market of a ``TradingPanel``.
///
/// **Timing.** A score of date t is known after t's close, so it is acted on at date t + 1: the
/// orders execute at t + 1's deal price (close by default, as in Qlib). Nothing trades on the
/// score of the same day, so the score of the last date never matters, and the first test date
/// trades on the scores of the (warm-up) date before it; a test starting at the panel's first date
/// has nothing to act on that day.
///
/// **Each day:** corporate actions (``Account/advance(to:)``) → on rebalance days, sells, then
/// buys with the cash they freed → mark to market at the close → NAV.
///
/// **Sizing.** Buys are sized `min(cash / number of buys, NAV / n)`, NAV taken at the deal price
/// after the sells: new names get an equal share of the freed cash, but never more than an equal
/// weight of the book. Names kept are not re-weighted (that would trade every name every day for
/// small drifts, paying the 5 CNY minimum commission each time).
///
/// **Refusals.** An order the rules refuse (limit-up buy, limit-down sell, suspension, T+1) is
/// recorded as rejected and not retried; a name whose sell was refused stays held and is sold on a
/// later rebalance if it still should be, so a top-n portfolio can hold more than n names for a
/// while, and fewer after a refused buy.
public enum Backtester {
    /// Backtests `settings` over `panel` with `scores` (stock-major like the panel, one per cell,
    /// known after that date's close; NaN = no score, never bought).
    public static func run(
        panel: TradingPanel, scores: [Double], settings: BacktestSettings
    ) throws(StockSchoolError) -> BacktestResult {
        try scores.withUnsafeBufferPointer { scores throws(StockSchoolError) in
            try run(panel: panel, scores: scores, settings: settings)
        }
    }

    /// The same, on scores that are only borrowed (a factor job's column, valid during its
    /// callback), so a whole-market column need not be copied first.
    public static func run(
        panel: TradingPanel, scores: UnsafeBufferPointer<Double>, settings: BacktestSettings
    ) throws(StockSchoolError) -> BacktestResult {
        let range = try settings.validatedRange(in: panel)
        guard scores.count == panel.stockCount * panel.dateCount else {
            throw .invalidArgument(
                name: "scores",
                reason: "has \(scores.count) values for \(panel.stockCount) stocks × \(panel.dateCount) dates")
        }
        var account = try Account(
            panel: panel, cash: settings.initialCash, on: range.lowerBound, costs: settings.costs,
            dealPrice: settings.dealPrice, lotSize: settings.lotSize)
        let rebalancing = rebalanceDays(panel.dates, range, settings.rebalance)
        var selector = PortfolioSelector(codeRank: codeRanks(panel.tsCodes))
        var columns = ScoreColumns(scores: scores, stocks: panel.stockCount, dates: panel.dateCount)

        let days = range.count
        var value: [Double] = []
        var cash: [Double] = []
        var returns: [Double] = []
        var turnover: [Double] = []
        value.reserveCapacity(days)
        cash.reserveCapacity(days)
        returns.reserveCapacity(days)
        turnover.reserveCapacity(days)
        var positions: [Position] = []
        positions.reserveCapacity(days * settings.strategy.holdings)
        var trades: [Trade] = []
        var sells: [Int] = []
        var buys: [Int] = []
        var previous = settings.initialCash

        for date in range {
            account.advance(to: date)
            var traded = 0.0
            if rebalancing[date - range.lowerBound], date >= 1 {
                let held = account.held
                columns.withColumn(date - 1) { column in
                    switch settings.strategy {
                    case .topN(let n):
                        selector.topN(n, column, held: held, sells: &sells, buys: &buys)
                    case .topKDropout(let k, let drop):
                        selector.topKDropout(k: k, drop: drop, column, held: held, sells: &sells, buys: &buys)
                    }
                }
                for stock in sells {
                    let trade = account.sell(stock)
                    traded += trade.amount
                    trades.append(trade)
                }
                if !buys.isEmpty {
                    let budget = Swift.min(
                        account.cash / Double(buys.count),
                        account.netAssetValueAtDealPrice() / Double(settings.strategy.holdings))
                    for stock in buys {
                        let trade = account.buy(stock, budget: budget)
                        traded += trade.amount
                        trades.append(trade)
                    }
                }
            }
            let nav = account.markToMarket()
            for stock in account.held {
                let shares = account.shares(of: stock)
                let held = shares * account.lastClose(of: stock)
                positions.append(
                    Position(
                        date: panel.dates[date], tsCode: panel.tsCodes[stock], shares: shares, value: held,
                        weight: held / nav))
            }
            value.append(nav)
            cash.append(account.cash)
            returns.append(nav / previous - 1)
            turnover.append(traded / 2 / previous)
            previous = nav
        }

        let dates = Array(panel.dates[range])
        let benchmarkReturns = panel.benchmark.map { benchmarkDailyReturns($0, range) }
        let metrics = try PerformanceMetrics(
            returns: returns, dates: dates, benchmark: benchmarkReturns, turnover: turnover,
            start: range.lowerBound > 0 ? panel.dates[range.lowerBound - 1] : nil)
        return BacktestResult(
            settings: settings, dates: dates, value: value, nav: value.map { $0 / settings.initialCash }, cash: cash,
            returns: returns, turnover: turnover, benchmarkCode: panel.benchmarkCode,
            benchmarkNAV: benchmarkReturns.map(compound), benchmarkReturns: benchmarkReturns, positions: positions,
            trades: trades, metrics: metrics)
    }

    /// Whether each date of `range` is a rebalance day: every date, or the first trade date of
    /// each ISO week (weeks keyed by their Monday) or calendar month in the range.
    static func rebalanceDays(
        _ dates: [TradeDate], _ range: ClosedRange<Int>, _ frequency: RebalanceFrequency
    ) -> [Bool] {
        func period(_ date: TradeDate) -> Int {
            switch frequency {
            case .daily: date.daysSinceEpoch
            case .weekly: date.daysSinceEpoch - (date.weekday - 1)
            case .monthly: date.year * 12 + date.month
            }
        }
        return range.map { index in
            index == range.lowerBound || period(dates[index]) != period(dates[index - 1])
        }
    }

    /// Each stock's position in ts_code order, so ties break by code even if the panel is not
    /// sorted.
    static func codeRanks(_ codes: [TSCode]) -> [Int32] {
        var ranks = [Int32](repeating: 0, count: codes.count)
        for (rank, stock) in codes.indices.sorted(by: { codes[$0] < codes[$1] }).enumerated() {
            ranks[stock] = Int32(rank)
        }
        return ranks
    }

    /// The benchmark's daily returns over `range`, NaN-tolerant: a date without a level carries
    /// the last one (a 0 return), and the first test day's return is against the last level
    /// before it (0 if there is none).
    static func benchmarkDailyReturns(_ levels: [Double], _ range: ClosedRange<Int>) -> [Double] {
        var last = levels[..<range.lowerBound].last { $0.isFinite && $0 > 0 } ?? .nan
        return range.map { index in
            let level = levels[index]
            guard level.isFinite, level > 0 else { return 0 }
            defer { last = level }
            return last.isNaN ? 0 : level / last - 1
        }
    }

    /// `Π(1 + r)` so far, per day.
    static func compound(_ returns: [Double]) -> [Double] {
        var wealth = 1.0
        return returns.map { r in
            wealth *= 1 + r
            return wealth
        }
    }
}
