import StockSchoolCore
import StockSchoolStore

/// One `factor_ic` row: a factor's cross-sectional IC and RankIC on one date for one horizon.
public struct FactorICRecord: Sendable, Equatable, StoreRecord {
    public var factor: String
    /// `close` (t→t+h) or `next` (Qlib's T+1 label); see `ReturnConvention`.
    public var convention: String
    public var horizon: Int64
    public var tradeDate: TradeDate
    public var ic: Double?
    public var rankIC: Double?
    /// Stocks with both a factor value and a forward return that date.
    public var n: Int64
    /// Stocks that traded on the date but could not be entered (suspended or limit-up at entry).
    public var excluded: Int64

    public init(
        factor: String, convention: String, horizon: Int64, tradeDate: TradeDate, ic: Double?, rankIC: Double?,
        n: Int64, excluded: Int64
    ) {
        self.factor = factor
        self.convention = convention
        self.horizon = horizon
        self.tradeDate = tradeDate
        self.ic = ic
        self.rankIC = rankIC
        self.n = n
        self.excluded = excluded
    }

    public static var schema: TableSchema { Schema.factorIC }
    public var rowKey: String { "\(factor) \(convention) h=\(horizon) \(tradeDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(factor)
        try e.text(convention)
        try e.integer(horizon)
        try e.date(tradeDate)
        try e.double(ic)
        try e.double(rankIC)
        try e.integer(n)
        try e.integer(excluded)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.factorIC.name
        self.init(
            factor: try d.requiredText("factor", table), convention: try d.requiredText("convention", table),
            horizon: try d.requiredInteger("horizon", table), tradeDate: try d.requiredDate("trade_date", table),
            ic: try d.double(), rankIC: try d.double(), n: try d.requiredInteger("n", table),
            excluded: try d.requiredInteger("excluded", table))
    }
}
