import StockSchoolCore

/// What factors are computed on: stocks × trade dates, one contiguous `Double` array per field,
/// stock-major (`values[stock * dates.count + date]`, each stock's series oldest first), NaN where
/// a stock has no row (suspended, not yet listed, delisted).
///
/// Fields (Qlib's names where Qlib has them): `open high low close vwap` (adjusted as the panel
/// says), `volume` (手, divided by the same adjustment ratio so that price × volume keeps its
/// meaning), `amount` (千元, as traded), `adj_factor`, and whichever `daily_basic` fields were
/// loaded (`pe_ttm`, `pb`, `turnover_rate`, `total_mv`, …).
public struct FactorPanel: Sendable {
    public let tsCodes: [TSCode]
    public let dates: [TradeDate]
    public let adjustment: PriceAdjustment
    public private(set) var fields: [String: [Double]]

    public init(
        tsCodes: [TSCode], dates: [TradeDate], adjustment: PriceAdjustment, fields: [String: [Double]]
    )
        throws(StockSchoolError)
    {
        for (name, values) in fields where values.count != tsCodes.count * dates.count {
            throw .invalidArgument(
                name: "panel field \(name)",
                reason: "has \(values.count) values for \(tsCodes.count) stocks × \(dates.count) dates")
        }
        self.tsCodes = tsCodes
        self.dates = dates
        self.adjustment = adjustment
        self.fields = fields
    }

    public var stockCount: Int { tsCodes.count }
    public var dateCount: Int { dates.count }
    public var cellCount: Int { tsCodes.count * dates.count }

    public func values(_ field: String) -> [Double]? { fields[field] }
}
