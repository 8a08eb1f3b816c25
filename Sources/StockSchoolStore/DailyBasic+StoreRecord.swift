import StockSchoolCore

extension DailyBasic: StoreRecord {
    public static var schema: TableSchema { Schema.dailyBasic }
    public var rowKey: String { "\(tsCode) \(tradeDate)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(tsCode.description)
        try e.date(tradeDate)
        for value in [
            close, turnoverRate, turnoverRateF, volumeRatio, pe, peTtm, pb, ps, psTtm, dvRatio, dvTtm,
            totalShare, floatShare, freeShare, totalMv, circMv,
        ] {
            try e.double(value)
        }
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.dailyBasic.name
        self.init(tsCode: try d.tsCode(table), tradeDate: try d.requiredDate("trade_date", table))
        close = try d.double()
        turnoverRate = try d.double()
        turnoverRateF = try d.double()
        volumeRatio = try d.double()
        pe = try d.double()
        peTtm = try d.double()
        pb = try d.double()
        ps = try d.double()
        psTtm = try d.double()
        dvRatio = try d.double()
        dvTtm = try d.double()
        totalShare = try d.double()
        floatShare = try d.double()
        freeShare = try d.double()
        totalMv = try d.double()
        circMv = try d.double()
    }
}
