/// Tushare `index_weight`: one constituent of an index in one published snapshot.
///
/// Index providers publish the constituent list (with weights) as snapshots, about once a month;
/// a snapshot dated `tradeDate` is the membership in force from that date until the next one.
/// Research reads them point in time — a stock belongs to the index on date t when it is in the
/// latest snapshot dated on or before t — so a backtest never picks from a list that was only
/// known later.
public struct IndexWeight: Sendable, Equatable, Hashable {
    /// The index (`000300.SH`).
    public var indexCode: TSCode
    /// The constituent stock (`con_code` in Tushare).
    public var conCode: TSCode
    /// The snapshot's date.
    public var tradeDate: TradeDate
    /// Weight in the index in percent (the snapshot's weights sum to about 100); `nil` when the
    /// provider published the member without one.
    public var weight: Double?

    public init(indexCode: TSCode, conCode: TSCode, tradeDate: TradeDate, weight: Double?) {
        self.indexCode = indexCode
        self.conCode = conCode
        self.tradeDate = tradeDate
        self.weight = weight
    }
}
