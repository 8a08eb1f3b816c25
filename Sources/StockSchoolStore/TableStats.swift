import StockSchoolCore

/// Rows and date coverage of one table (`stockschool db stats`).
public struct TableStats: Sendable, Equatable {
    public var table: String
    public var rows: Int
    public var firstDate: TradeDate?
    public var lastDate: TradeDate?
    /// Distinct dates present.
    public var dates: Int?

    public init(table: String, rows: Int, firstDate: TradeDate? = nil, lastDate: TradeDate? = nil, dates: Int? = nil) {
        self.table = table
        self.rows = rows
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.dates = dates
    }
}
