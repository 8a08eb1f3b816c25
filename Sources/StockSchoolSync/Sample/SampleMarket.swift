import StockSchoolCore

/// What to simulate: how many stocks, which dates, and the seed that makes it reproducible.
public struct SampleMarketConfiguration: Sendable, Equatable {
    /// Number of stocks ever listed in the range, delisted ones included (1 … 10,000).
    public var stocks: Int
    public var start: TradeDate
    public var end: TradeDate
    public var seed: UInt64

    public init(stocks: Int = 300, start: TradeDate, end: TradeDate, seed: UInt64 = 42) {
        self.stocks = stocks
        self.start = start
        self.end = end
        self.seed = seed
    }
}

/// A deterministic simulated A-share market: the same configuration always yields the same data,
/// bit for bit, on any machine and thread count.
///
/// Everything is generated in `init` into compact stock-major columns (about 45 bytes per
/// stock-day); the accessors slice them per date in the shapes and units of Tushare's `daily`,
/// `adj_factor`, `daily_basic`, `trade_cal`, `stock_basic` and `index_daily`. The model and its
/// constants are described in `README.md` next to this file.
public final class SampleMarket: Sendable {
    public let configuration: SampleMarketConfiguration
    /// Open days in `start...end` (weekdays minus `SampleHolidays`).
    public let calendar: TradingCalendar
    /// Every stock, delisted ones included, sorted by `ts_code`.
    public let stockBasic: [StockBasic]
    /// The simulated CSI 300.
    public static let indexCode: TSCode = {
        guard let code = try? TSCode("000300.SH") else { preconditionFailure("000300.SH is a valid code") }
        return code
    }()

    let days: [TradeDate]
    let dayCount: Int
    let profiles: [SampleStockProfile]
    let events: [SampleStockEvents]
    let columns: SampleColumns
    let reports: SampleReportSchedule
    let index: SampleIndexSeries
    private let counts: (daily: Int, adjFactor: Int)

    // MARK: - Model constants (documented in README.md)

    /// Short-term reversal: a stock's expected log return today includes
    /// `-reversalStrength × (sum of its own last 5 daily log returns)` (5 traded days, fixed).
    public static let reversalStrength = 0.03
    /// Low-volatility premium: a stock's expected daily simple return carries
    /// `μ_i = -lowVolatilityPremium × (σ_i - meanIdiosyncraticVolatility)`.
    public static let lowVolatilityPremium = 0.03
    /// Idiosyncratic daily volatility σ_i is uniform in this range.
    static let idiosyncraticVolatilityRange = 0.01...0.04
    /// The cross-sectional mean σ̄ of σ_i (the middle of the range).
    static let meanIdiosyncraticVolatility = 0.025
    /// Market factor: daily log-return mean and long-run volatility, GARCH(1,1) clustering.
    static let marketDrift = 0.0003
    static let marketVolatility = 0.013
    static let marketGarchAlpha = 0.08
    static let marketGarchBeta = 0.90
    /// Loadings on the market factor (β) and on the stock's industry factor (γ).
    static let marketBetaRange = 0.6...1.4
    static let industryBetaRange = 0.5...1.5
    /// Industry factors: daily log-return volatility (independent normal, zero mean).
    static let industryVolatility = 0.008
    /// Fat tails: with this probability a shock is scaled by `tailScale` (variance renormalised).
    static let tailProbability = 0.05
    static let tailScale = 2.5
    /// News jumps: with this probability a day adds a N(0, jumpVolatility²) log return.
    static let jumpProbability = 0.002
    static let jumpVolatility = 0.07
    /// Prices: never below `priceFloor`; below `lowPriceAnchor` (above `highPriceAnchor`) the
    /// drift gains `pricePushback × ln(anchor / price)` towards the anchor.
    static let priceFloor = 1.00
    static let lowPriceAnchor = 3.0
    static let highPriceAnchor = 2000.0
    static let pricePushback = 0.01
    /// Suspensions: daily chance that a spell of 1–`maxSuspensionDays` trading days starts (ST ×3).
    static let suspensionProbability = 0.0015
    static let maxSuspensionDays = 20
    /// Universe shape.
    static let ipoFraction = 0.10
    static let delistedFraction = 0.025
    static let stFraction = 0.04
    static let maxStocks = 10_000
    static let maxStockDays = 50_000_000
    /// Index.
    static let indexBaseLevel = 3500.0
    static let indexSize = 300

    // MARK: - Init

    public convenience init(_ configuration: SampleMarketConfiguration) throws(StockSchoolError) {
        try self.init(configuration, parallel: true)
    }

    /// `parallel: false` simulates the stocks one after another on the calling thread (tests use
    /// it to show the result does not depend on the thread count).
    init(_ configuration: SampleMarketConfiguration, parallel: Bool) throws(StockSchoolError) {
        let c = configuration
        guard c.stocks >= 1 else {
            throw .invalidArgument(name: "stocks", reason: "must be at least 1, got \(c.stocks)")
        }
        guard c.stocks <= Self.maxStocks else {
            throw .invalidArgument(
                name: "stocks", reason: "at most \(Self.maxStocks) stocks can be simulated, got \(c.stocks)")
        }
        _ = try TradeDate(Int(c.start.rawValue))
        _ = try TradeDate(Int(c.end.rawValue))
        guard c.start <= c.end else { throw .invalidDateRange(start: c.start, end: c.end) }
        let calendar = TradingCalendar(
            weekdaysFrom: c.start, through: c.end,
            holidays: SampleHolidays.holidays(from: c.start, through: c.end))
        guard calendar.count > 0 else {
            throw .invalidArgument(
                name: "date range",
                reason: "\(c.start)…\(c.end) has no open day; choose a range with a weekday that is not a holiday")
        }
        guard c.stocks * calendar.count <= Self.maxStockDays else {
            throw .invalidArgument(
                name: "stocks",
                reason:
                    "\(c.stocks) stocks × \(calendar.count) open days exceeds the limit of \(Self.maxStockDays) stock-days (about 2.3 GB); use fewer stocks or a shorter range"
            )
        }
        let built = SampleGenerator.build(configuration: c, calendar: calendar, parallel: parallel)
        self.configuration = c
        self.calendar = calendar
        self.days = calendar.openDays
        self.dayCount = calendar.count
        self.stockBasic = built.stockBasic
        self.profiles = built.profiles
        self.events = built.events
        self.columns = built.columns
        self.reports = built.reports
        self.index = built.index
        self.counts = (built.dailyRows, built.listedRows)
    }

    // MARK: - Accessors

    /// Tushare `trade_cal` for exchange SSE: every calendar day of the range.
    public func tradeCal() -> [TradeCalDay] {
        var rows: [TradeCalDay] = []
        let first = configuration.start.daysSinceEpoch
        let last = configuration.end.daysSinceEpoch
        rows.reserveCapacity(last - first + 1)
        var previous = SampleHolidays.openDay(before: configuration.start)
        var next = 0
        for day in first...last {
            let date = TradeDate(daysSinceEpoch: day)
            let isOpen = next < days.count && days[next] == date
            rows.append(TradeCalDay(exchange: "SSE", calDate: date, isOpen: isOpen, pretradeDate: previous))
            if isOpen {
                previous = date
                next += 1
            }
        }
        return rows
    }

    /// Tushare `daily` for the whole market on `date`, sorted by `ts_code`.
    public func daily(on date: TradeDate) -> [DailyBar] {
        guard let d = calendar.index(of: date) else { return [] }
        var rows: [DailyBar] = []
        rows.reserveCapacity(profiles.count)
        for s in profiles.indices {
            let i = s * dayCount + d
            guard columns.status[i] == 2 else { continue }
            rows.append(bar(index: i, code: profiles[s].code, date: date))
        }
        return rows
    }

    /// Tushare `adj_factor` on `date`: every listed stock, suspended ones included.
    public func adjFactor(on date: TradeDate) -> [AdjFactor] {
        guard let d = calendar.index(of: date) else { return [] }
        var rows: [AdjFactor] = []
        rows.reserveCapacity(profiles.count)
        for s in profiles.indices {
            let i = s * dayCount + d
            guard columns.status[i] != 0 else { continue }
            rows.append(AdjFactor(tsCode: profiles[s].code, tradeDate: date, adjFactor: columns.adj[i]))
        }
        return rows
    }

    /// Tushare `daily_basic` on `date`: every stock that traded.
    public func dailyBasic(on date: TradeDate) -> [DailyBasic] {
        guard let d = calendar.index(of: date) else { return [] }
        var rows: [DailyBasic] = []
        rows.reserveCapacity(profiles.count)
        let report = reports.points[Int(reports.pointByDay[d])]
        let today = days[d].daysSinceEpoch
        for s in profiles.indices {
            let i = s * dayCount + d
            guard columns.status[i] == 2 else { continue }
            rows.append(basic(stock: s, day: d, index: i, date: date, report: report, today: today))
        }
        return rows
    }

    /// Tushare `index_daily` for 000300.SH, sorted by date.
    public func indexDaily(start: TradeDate, end: TradeDate) -> [IndexDailyBar] {
        let range = calendar.days(from: start, through: end)
        var rows: [IndexDailyBar] = []
        rows.reserveCapacity(range.count)
        for d in range.indices {  // a slice of `openDays` keeps its day indices
            let pre = index.preClose[d]
            let change = SampleGenerator.round(index.close[d] - pre, places: 4)
            let bar = DailyBar(
                tsCode: Self.indexCode, tradeDate: days[d], open: index.open[d], high: index.high[d],
                low: index.low[d], close: index.close[d], preClose: pre, change: change,
                pctChg: SampleGenerator.round(change / pre * 100, places: 4), vol: index.vol[d],
                amount: index.amount[d])
            rows.append(IndexDailyBar(bar))
        }
        return rows
    }

    /// Row totals over the whole range: `daily`, `adj_factor`, `daily_basic`.
    public var rowCounts: (daily: Int, adjFactor: Int, dailyBasic: Int) {
        (counts.daily, counts.adjFactor, counts.daily)
    }

    // MARK: - Row builders

    private func bar(index i: Int, code: TSCode, date: TradeDate) -> DailyBar {
        let close = columns.close[i]
        let pre = columns.preClose[i]
        let diff = Int(close) - Int(pre)
        return DailyBar(
            tsCode: code, tradeDate: date,
            open: Double(columns.open[i]) / 100, high: Double(columns.high[i]) / 100,
            low: Double(columns.low[i]) / 100, close: Double(close) / 100,
            preClose: Double(pre) / 100, change: Double(diff) / 100,
            pctChg: SampleGenerator.round(Double(diff) / Double(pre) * 100, places: 4),
            vol: columns.vol[i], amount: columns.amount[i])
    }

    private func basic(
        stock s: Int, day d: Int, index i: Int, date: TradeDate, report: SampleReportPoint, today: Int
    ) -> DailyBasic {
        let e = events[s]
        let shares = e.shares(on: d)
        let close = Double(columns.close[i]) / 100
        let vol = columns.vol[i]
        var row = DailyBasic(tsCode: profiles[s].code, tradeDate: date)
        let totalMv = close * shares.total
        row.close = close
        row.totalShare = shares.total
        row.floatShare = shares.float
        row.freeShare = shares.free
        row.totalMv = totalMv
        row.circMv = close * shares.float
        row.turnoverRate = vol * 100 / (shares.float * 10_000) * 100
        row.turnoverRateF = vol * 100 / (shares.free * 10_000) * 100
        row.volumeRatio = volumeRatio(stock: s, day: d, vol: vol)
        let annual = report.annual
        let ttmNew = report.ttmOld + 1
        let w = report.ttmWeightNew
        let income = e.netIncome[annual]
        let incomeTtm = (1 - w) * e.netIncome[report.ttmOld] + w * e.netIncome[ttmNew]
        let revenue = e.revenue[annual]
        let revenueTtm = (1 - w) * e.revenue[report.ttmOld] + w * e.revenue[ttmNew]
        row.pe = income > 0 ? totalMv / income : nil
        row.peTtm = incomeTtm > 0 ? totalMv / incomeTtm : nil
        row.pb = totalMv / e.equity[annual]
        row.ps = totalMv / revenue
        row.psTtm = totalMv / revenueTtm
        var lastCash = 0.0
        var ttmCash = 0.0
        for dividend in e.dividends where Int(dividend.day) <= d {
            let age = today - Int(dividend.epochDay)
            if age < 365 { ttmCash += dividend.cash }
            if age < 400 { lastCash = dividend.cash }
        }
        row.dvRatio = lastCash > 0 ? lastCash / totalMv * 100 : nil
        row.dvTtm = ttmCash > 0 ? ttmCash / totalMv * 100 : nil
        return row
    }

    /// Today's volume over the mean volume of the stock's previous 5 traded days (fewer near the
    /// start of its history); `nil` when it has none.
    private func volumeRatio(stock s: Int, day d: Int, vol: Double) -> Double? {
        let base = s * dayCount
        var sum = 0.0
        var n = 0
        var k = d - 1
        while k >= 0 && n < 5 {
            let i = base + k
            let status = columns.status[i]
            if status == 0 { break }
            if status == 2 {
                sum += columns.vol[i]
                n += 1
            }
            k -= 1
        }
        guard n > 0, sum > 0 else { return nil }
        return vol / (sum / Double(n))
    }
}
