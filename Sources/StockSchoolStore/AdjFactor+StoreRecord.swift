import StockSchoolCore

extension AdjFactor: StoreRecord {
    public static var schema: TableSchema { Schema.adjFactor }
    public var rowKey: String { "\(tsCode) \(tradeDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(tsCode.description)
        try e.date(tradeDate)
        try e.double(adjFactor)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.adjFactor.name
        self.init(
            tsCode: try d.tsCode(table), tradeDate: try d.requiredDate("trade_date", table),
            adjFactor: try d.requiredDouble("adj_factor", table))
    }
}
