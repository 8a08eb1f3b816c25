import StockSchoolCore
import StockSchoolStore

/// One `score_weights` row: the weight a score model gave a factor on one date, and the realised
/// IC statistics it came from.
public struct ScoreWeightRecord: Sendable, Equatable, StoreRecord {
    public var scoreName: String
    public var tradeDate: TradeDate
    public var factor: String
    public var weight: Double
    public var icMean: Double?
    public var icStd: Double?
    public var icCount: Int64
    /// `equal`, `ic` or `icir` (`ScoreWeighting`).
    public var method: String

    public init(
        scoreName: String, tradeDate: TradeDate, factor: String, weight: Double, icMean: Double?, icStd: Double?,
        icCount: Int64, method: String
    ) {
        self.scoreName = scoreName
        self.tradeDate = tradeDate
        self.factor = factor
        self.weight = weight
        self.icMean = icMean
        self.icStd = icStd
        self.icCount = icCount
        self.method = method
    }

    public static var schema: TableSchema { Schema.scoreWeights }
    public var rowKey: String { "\(scoreName) \(tradeDate) \(factor)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(scoreName)
        try e.date(tradeDate)
        try e.text(factor)
        try e.double(weight)
        try e.double(icMean)
        try e.double(icStd)
        try e.integer(icCount)
        try e.text(method)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.scoreWeights.name
        self.init(
            scoreName: try d.requiredText("score_name", table), tradeDate: try d.requiredDate("trade_date", table),
            factor: try d.requiredText("factor", table), weight: try d.requiredDouble("weight", table),
            icMean: try d.double(), icStd: try d.double(), icCount: try d.requiredInteger("ic_count", table),
            method: try d.requiredText("method", table))
    }
}
