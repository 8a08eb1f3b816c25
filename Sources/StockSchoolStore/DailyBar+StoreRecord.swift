import StockSchoolCore

extension DailyBar {
    func encodeColumns<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(tsCode.description)
        try e.date(tradeDate)
        try e.double(open)
        try e.double(high)
        try e.double(low)
        try e.double(close)
        try e.double(preClose)
        try e.double(change)
        try e.double(pctChg)
        try e.double(vol)
        try e.double(amount)
    }

    init<D: RowDecoder>(columnsFrom d: inout D, table: String) throws(StockSchoolError) {
        self.init(
            tsCode: try d.tsCode(table), tradeDate: try d.requiredDate("trade_date", table),
            open: try d.requiredDouble("open", table), high: try d.requiredDouble("high", table),
            low: try d.requiredDouble("low", table), close: try d.requiredDouble("close", table),
            preClose: try d.double(), change: try d.double(), pctChg: try d.double(),
            vol: try d.double(), amount: try d.double())
    }
}

extension DailyBar: StoreRecord {
    public static var schema: TableSchema { Schema.stockDaily }
    public var rowKey: String { "\(tsCode) \(tradeDate)" }

    public func encode<E: RowEncoder>(to encoder: inout E) throws(ColumnViolation) {
        try encodeColumns(to: &encoder)
    }

    public init<D: RowDecoder>(from decoder: inout D) throws(StockSchoolError) {
        try self.init(columnsFrom: &decoder, table: Schema.stockDaily.name)
    }
}

extension IndexDailyBar: StoreRecord {
    public static var schema: TableSchema { Schema.indexDaily }
    public var rowKey: String { bar.rowKey }

    public func encode<E: RowEncoder>(to encoder: inout E) throws(ColumnViolation) {
        try bar.encodeColumns(to: &encoder)
    }

    public init<D: RowDecoder>(from decoder: inout D) throws(StockSchoolError) {
        self.init(try DailyBar(columnsFrom: &decoder, table: Schema.indexDaily.name))
    }
}
