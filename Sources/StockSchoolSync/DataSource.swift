import StockSchoolCore

/// Where market data comes from: Tushare Pro, CSV files, or the simulated market. Calls mirror
/// Tushare's APIs so every source can be planned, fetched and checked the same way.
public protocol DataSource: Sendable {
    /// Recorded in `sync_state.source` and `sync_runs.source`.
    var name: String { get }
    func stockBasic() async throws -> [StockBasic]
    func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay]
    func daily(tradeDate: TradeDate) async throws -> [DailyBar]
    func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor]
    func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic]
    func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar]
    /// The constituent snapshots of `indexCode` dated `start…end` (calendar days), every row of
    /// each snapshot.
    func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight]
}
