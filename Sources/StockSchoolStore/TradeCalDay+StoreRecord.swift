import StockSchoolCore

extension TradeCalDay: StoreRecord {
    public static var schema: TableSchema { Schema.tradeCal }
    public var rowKey: String { "\(exchange) \(calDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(exchange)
        try e.date(calDate)
        try e.boolean(isOpen)
        try e.date(pretradeDate)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.tradeCal.name
        self.init(
            exchange: try d.requiredText("exchange", table), calDate: try d.requiredDate("cal_date", table),
            isOpen: try d.required({ (d: inout D) throws(StockSchoolError) in try d.boolean() }, "is_open", table),
            pretradeDate: try d.date())
    }
}
