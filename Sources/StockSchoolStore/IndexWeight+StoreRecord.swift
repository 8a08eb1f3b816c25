import StockSchoolCore

extension IndexWeight: StoreRecord {
    public static var schema: TableSchema { Schema.indexWeight }
    public var rowKey: String { "\(indexCode) \(tradeDate) \(conCode)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(indexCode.description)
        try e.text(conCode.description)
        try e.date(tradeDate)
        try e.double(weight)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.indexWeight.name
        self.init(
            indexCode: try TSCode(d.requiredText("index_code", table)),
            conCode: try TSCode(d.requiredText("con_code", table)),
            tradeDate: try d.requiredDate("trade_date", table), weight: try d.double())
    }
}
