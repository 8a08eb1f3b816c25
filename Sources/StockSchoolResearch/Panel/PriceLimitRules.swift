import StockSchoolCore

/// Each stock's daily price-limit rule on a panel's calendar: its board, ST status and listing
/// day, from `stock_basic`. The loaders ask it for a cell's limits while they write the cell, so
/// no `pre_close` column has to be kept for it.
struct PriceLimitRules {
    let dates: [TradeDate]
    private let boards: [Board]
    private let isST: [Bool]
    /// The panel date index of each stock's listing, when it falls inside the panel.
    private let listedAt: [Int?]

    init(tsCodes: [TSCode], dates: [TradeDate], basics: [TSCode: StockBasic]) {
        self.dates = dates
        boards = tsCodes.map { $0.board ?? .main }
        isST = tsCodes.map { basics[$0]?.isST ?? false }
        // Trading days since listing are counted on this panel's calendar; a listing before the
        // panel is taken to be far enough back that its unlimited first days are over.
        listedAt = tsCodes.map { code in
            guard let first = dates.first, let date = basics[code]?.listDate, date >= first else { return nil }
            return dates.partitionPoint { $0 < date }
        }
    }

    /// The limit-up and limit-down prices of `stock` on day `day` given its `pre_close`: ±∞ when
    /// the day has no limit or no `pre_close` (nothing to measure from).
    @inline(__always)
    func limits(stock: Int, day: Int, preClose: Double) -> (up: Double, down: Double) {
        guard !preClose.isNaN else { return (.infinity, -.infinity) }
        let limit = PriceLimit(
            board: boards[stock], isST: isST[stock], tradeDate: dates[day],
            tradingDaysSinceListing: listedAt[stock].map { day - $0 })
        return (limit.limitUp(preClose: preClose) ?? .infinity, limit.limitDown(preClose: preClose) ?? -.infinity)
    }
}
