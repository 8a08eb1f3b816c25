import StockSchoolCore

/// What research needs to know about trading, per stock and trade date: the raw prices that
/// trades happen at, the adjustment that turns them into returns, the day's price limits and
/// whether the stock traded at all.
///
/// Layout is the factor panel's: stock-major, `values[stock * dates.count + date]`, each stock's
/// series oldest first, so a factor column from `FactorJob` lines up cell for cell.
///
/// Returns use backward-adjusted (`hfq`) prices, `close × adj_factor`: unlike `qfq`, a value at
/// date t depends only on data known at t, which is what keeps scores and backtests free of
/// look-ahead.
public struct TradingPanel: Sendable {
    public let tsCodes: [TSCode]
    public let dates: [TradeDate]
    /// Unadjusted prices in CNY; NaN where the stock has no bar (suspended, not yet listed,
    /// delisted).
    public let open: [Double]
    public let close: [Double]
    /// Tushare's `adj_factor`, carried forward over days without a row; NaN before the first.
    public let adjFactor: [Double]
    /// The day's limit prices (unadjusted, rounded to the fen as the exchanges publish them):
    /// `+infinity` / `-infinity` on days without a limit (a new listing's first days), NaN
    /// without a bar.
    public let limitUp: [Double]
    public let limitDown: [Double]
    /// `stock_basic.industry` per stock; `nil` when unknown.
    public let industries: [String?]
    /// The benchmark's close per date (`000300.SH` by default), NaN where it has no row; `nil`
    /// when no benchmark was loaded.
    public let benchmark: [Double]?
    public let benchmarkCode: TSCode?

    public init(
        tsCodes: [TSCode], dates: [TradeDate], open: [Double], close: [Double], adjFactor: [Double],
        limitUp: [Double], limitDown: [Double], industries: [String?], benchmark: [Double]? = nil,
        benchmarkCode: TSCode? = nil
    ) throws(StockSchoolError) {
        let cells = tsCodes.count * dates.count
        for (name, column) in [
            ("open", open), ("close", close), ("adj_factor", adjFactor), ("limit_up", limitUp),
            ("limit_down", limitDown),
        ] where column.count != cells {
            throw .invalidArgument(
                name: "trading panel \(name)",
                reason: "has \(column.count) values for \(tsCodes.count) stocks × \(dates.count) dates")
        }
        guard industries.count == tsCodes.count else {
            throw .invalidArgument(
                name: "trading panel industries", reason: "has \(industries.count) entries for \(tsCodes.count) stocks")
        }
        if let benchmark, benchmark.count != dates.count {
            throw .invalidArgument(
                name: "trading panel benchmark", reason: "has \(benchmark.count) values for \(dates.count) dates")
        }
        self.tsCodes = tsCodes
        self.dates = dates
        self.open = open
        self.close = close
        self.adjFactor = adjFactor
        self.limitUp = limitUp
        self.limitDown = limitDown
        self.industries = industries
        self.benchmark = benchmark
        self.benchmarkCode = benchmarkCode
    }

    public var stockCount: Int { tsCodes.count }
    public var dateCount: Int { dates.count }

    /// The cell of `stock` on the `date`-th trade date.
    @inline(__always) public func cell(_ stock: Int, _ date: Int) -> Int { stock * dates.count + date }

    /// Whether the stock has a bar in this cell (it traded).
    @inline(__always) public func traded(_ cell: Int) -> Bool { !close[cell].isNaN }

    /// Backward-adjusted close (`close × adj_factor`); NaN without a bar.
    @inline(__always) public func adjustedClose(_ cell: Int) -> Double { close[cell] * adjFactor[cell] }

    /// Backward-adjusted open; NaN without a bar.
    @inline(__always) public func adjustedOpen(_ cell: Int) -> Double { open[cell] * adjFactor[cell] }

    /// Whether `price` is at or above the day's limit-up price: nobody sells there, so a buy
    /// order does not fill. Prices are whole fen, so a tolerance of a tenth of a fen is exact.
    @inline(__always) public func atLimitUp(_ price: Double, _ cell: Int) -> Bool {
        price >= limitUp[cell] - 0.001
    }

    /// Whether `price` is at or below the day's limit-down price: nobody buys there, so a sell
    /// order does not fill.
    @inline(__always) public func atLimitDown(_ price: Double, _ cell: Int) -> Bool {
        price <= limitDown[cell] + 0.001
    }
}
