import StockSchoolCore

/// The forward return of every stock and date for a few horizons, on backward-adjusted closes,
/// with the A-share rules that decide whether a position could have been opened at all.
///
/// For factor date t the position is entered at e = t (`.close`) or e = t + 1 (`.next`) and
/// exited at x = e + h. The return is NaN when:
/// - the stock has no bar on t: it has no signal that day;
/// - the stock has no bar on e (suspended): nothing can be bought;
/// - its close on e is at limit-up: nobody sells there, so a buy at the close does not fill —
///   counting such returns would credit a factor with gains nobody could have had;
/// - x lies beyond the panel's last date (not yet known).
///
/// A stock without a bar on x (suspended, or delisted) cannot be sold there: it is marked at its
/// last adjusted close after e and before x, or at the entry close itself (a return of 0) when
/// it did not trade at all after e. That keeps stocks that froze after good or bad news in the
/// cross-section with the price they were stuck at, rather than silently dropping them.
///
/// `values[k]` holds horizon `horizons[k]`, stock-major (`stock * dateCount + date`) like
/// `TradingPanel`, so a factor column lines up cell for cell.
public struct ForwardReturns: Sendable {
    public let horizons: [Int]
    public let convention: ReturnConvention
    public let tsCodes: [TSCode]
    public let dates: [TradeDate]
    /// Per horizon, stock-major; NaN where excluded or not computable.
    public let values: [[Double]]
    /// Per date: stocks with a bar on the factor's date whose entry day e had no bar (only
    /// possible with `.next`).
    public let suspendedAtEntry: [Int]
    /// Per date: stocks with a bar on the factor's date whose close on e was at limit-up.
    public let limitUpAtEntry: [Int]
    /// What every factor evaluated against these returns shares (date-major returns, their
    /// ranks and order), computed once here.
    let crossSections: CrossSections

    /// The most stocks a panel may have: a date's doubled ranks (up to 2 × stocks), the returns'
    /// and the factor's, are kept in 16 bits. The whole A-share market, delisted names included,
    /// is a fifth of it.
    public static let maximumStocks = 32_767

    public var stockCount: Int { tsCodes.count }
    public var dateCount: Int { dates.count }

    /// The return for `horizons[horizonIndex]` of `stock` on the `date`-th date.
    public func value(horizonIndex: Int, stock: Int, date: Int) -> Double {
        values[horizonIndex][stock * dates.count + date]
    }

    public init(panel: TradingPanel, horizons: [Int], convention: ReturnConvention) throws(StockSchoolError) {
        guard !horizons.isEmpty else {
            throw .invalidArgument(name: "--horizons", reason: "is empty; give one or more day counts, e.g. 1,5,10,20")
        }
        if let bad = horizons.first(where: { $0 < 1 }) {
            throw .invalidArgument(
                name: "--horizons", reason: "contains \(bad); a horizon is a number of trading days, at least 1")
        }
        guard Set(horizons).count == horizons.count else {
            throw .invalidArgument(name: "--horizons", reason: "lists a horizon twice (\(horizons))")
        }
        guard panel.stockCount <= Self.maximumStocks else {
            throw .invalidArgument(
                name: "--universe",
                reason:
                    "holds \(panel.stockCount) stocks; returns are ranked among at most \(Self.maximumStocks) (ranks are kept in 16 bits): choose fewer"
            )
        }
        let stocks = panel.stockCount
        let dates = panel.dateCount
        let offset = convention.entryOffset
        var suspended = [Int](repeating: 0, count: dates)
        var limitUp = [Int](repeating: 0, count: dates)
        var values = horizons.map { _ in [Double](repeating: .nan, count: stocks * dates) }
        // The last date ≤ d on which the stock has a bar, per date of one stock.
        var lastBar = [Int](repeating: -1, count: dates)
        for stock in 0..<stocks {
            let base = stock * dates
            var last = -1
            for date in 0..<dates {
                if panel.traded(base + date) { last = date }
                lastBar[date] = last
            }
            for date in 0..<dates {
                let entry = date + offset
                guard entry < dates else { break }
                let entryCell = base + entry
                // No bar on the factor's own date, no signal: the stock is not in that date's
                // cross-section (this also keeps every horizon's set inside the traded stocks, which
                // a factor covers, so evaluations can share the precomputed return ranks).
                guard panel.traded(base + date) else { continue }
                guard panel.traded(entryCell) else {
                    suspended[date] += 1
                    continue
                }
                guard !panel.atLimitUp(panel.close[entryCell], entryCell) else {
                    limitUp[date] += 1
                    continue
                }
                let entryPrice = panel.adjustedClose(entryCell)
                for (k, horizon) in horizons.enumerated() {
                    let exit = entry + horizon
                    guard exit < dates else { continue }
                    // lastBar[exit] ≥ entry, since the stock traded on the entry date.
                    values[k][base + date] = panel.adjustedClose(base + lastBar[exit]) / entryPrice - 1
                }
            }
        }
        self.horizons = horizons
        self.convention = convention
        self.tsCodes = panel.tsCodes
        self.dates = panel.dates
        self.values = values
        self.suspendedAtEntry = suspended
        self.limitUpAtEntry = limitUp
        self.crossSections = CrossSections(panel: panel, returns: values)
    }
}
