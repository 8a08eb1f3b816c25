import StockSchoolCore
import StockSchoolStore

/// One `scores` row: a stock's score under a score model on one date, and its ranks.
public struct ScoreRecord: Sendable, Equatable, StoreRecord {
    public var scoreName: String
    public var tradeDate: TradeDate
    public var tsCode: TSCode
    /// 0–100; 50 is the day's average stock.
    public var score: Double
    /// The composite z-score (clipped at ±3) the score maps.
    public var composite: Double
    public var rank: Int64
    public var industry: String?
    public var industryRank: Int64?

    public init(
        scoreName: String, tradeDate: TradeDate, tsCode: TSCode, score: Double, composite: Double, rank: Int64,
        industry: String?, industryRank: Int64?
    ) {
        self.scoreName = scoreName
        self.tradeDate = tradeDate
        self.tsCode = tsCode
        self.score = score
        self.composite = composite
        self.rank = rank
        self.industry = industry
        self.industryRank = industryRank
    }

    public static var schema: TableSchema { Schema.scores }
    public var rowKey: String { "\(scoreName) \(tradeDate) \(tsCode)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(scoreName)
        try e.date(tradeDate)
        try e.text(tsCode.description)
        try e.double(score)
        try e.double(composite)
        try e.integer(rank)
        try e.text(industry)
        try e.integer(industryRank)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.scores.name
        self.init(
            scoreName: try d.requiredText("score_name", table), tradeDate: try d.requiredDate("trade_date", table),
            tsCode: try d.tsCode(table), score: try d.requiredDouble("score", table),
            composite: try d.requiredDouble("composite", table), rank: try d.requiredInteger("rank", table),
            industry: try d.text(), industryRank: try d.integer())
    }
}
