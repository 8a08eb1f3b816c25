import StockSchoolCore

/// A holding at the close of a day.
public struct Position: Codable, Sendable, Equatable {
    public var date: TradeDate
    public var tsCode: TSCode
    /// Raw shares held (fractional after reinvested dividends).
    public var shares: Double
    /// `shares × close` in CNY (the last close while suspended).
    public var value: Double
    /// `value / NAV` of that day.
    public var weight: Double

    public init(date: TradeDate, tsCode: TSCode, shares: Double, value: Double, weight: Double) {
        self.date = date
        self.tsCode = tsCode
        self.shares = shares
        self.value = value
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey {
        case date = "trade_date"
        case tsCode = "ts_code"
        case shares, value, weight
    }
}

/// What a backtest produced: the daily series (one entry per test date), every holding and
/// order, and the metrics.
///
/// The NAV is 1 before the first test date (the initial cash); day i's return is
/// `value[i] / value[i − 1] − 1`, the first day's against the initial cash. The benchmark is put
/// on the same footing: its NAV is 1 at the previous close and its first return is the first
/// test day's change, so strategy and benchmark compound over the same days.
public struct BacktestResult: Codable, Sendable {
    public var settings: BacktestSettings
    public var dates: [TradeDate]
    /// Net asset value in CNY at each close: cash plus holdings.
    public var value: [Double]
    /// `value / initialCash`.
    public var nav: [Double]
    public var cash: [Double]
    /// Daily simple returns of `value`.
    public var returns: [Double]
    /// Daily one-sided turnover: `(bought + sold amount) / 2 / previous value`.
    public var turnover: [Double]
    public var benchmarkCode: TSCode?
    /// The benchmark's NAV (1 at the close before the first test date), carrying its last level
    /// over dates without a row; `nil` without a benchmark.
    public var benchmarkNAV: [Double]?
    public var benchmarkReturns: [Double]?
    /// Holdings at each close, date by date, ts_code order within a date.
    public var positions: [Position]
    /// Every order, filled or rejected, in the order placed (sells before buys each day).
    public var trades: [Trade]
    public var metrics: PerformanceMetrics

    public init(
        settings: BacktestSettings, dates: [TradeDate], value: [Double], nav: [Double], cash: [Double],
        returns: [Double], turnover: [Double], benchmarkCode: TSCode?, benchmarkNAV: [Double]?,
        benchmarkReturns: [Double]?, positions: [Position], trades: [Trade], metrics: PerformanceMetrics
    ) {
        self.settings = settings
        self.dates = dates
        self.value = value
        self.nav = nav
        self.cash = cash
        self.returns = returns
        self.turnover = turnover
        self.benchmarkCode = benchmarkCode
        self.benchmarkNAV = benchmarkNAV
        self.benchmarkReturns = benchmarkReturns
        self.positions = positions
        self.trades = trades
        self.metrics = metrics
    }

    /// The orders the exchange refused.
    public var rejectedTrades: [Trade] { trades.filter { $0.status == .rejected } }
}
