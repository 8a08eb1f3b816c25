import StockSchoolCore

extension StockBasic: StoreRecord {
    public static var schema: TableSchema { Schema.stockBasic }
    public var rowKey: String { tsCode.description }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.text(tsCode.description)
        try e.text(symbol)
        try e.text(name)
        try e.text(area)
        try e.text(industry)
        try e.text(fullname)
        try e.text(enname)
        try e.text(cnspell)
        try e.text(market)
        try e.text(exchange)
        try e.text(currType)
        try e.text(listStatus.rawValue)
        try e.date(listDate)
        try e.date(delistDate)
        try e.text(isHs)
        try e.text(actName)
        try e.text(actEntType)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.stockBasic.name
        let code = try d.tsCode(table)
        let symbol = try d.requiredText("symbol", table)
        let name = try d.requiredText("name", table)
        let area = try d.text()
        let industry = try d.text()
        let fullname = try d.text()
        let enname = try d.text()
        let cnspell = try d.text()
        let market = try d.text()
        let exchange = try d.text()
        let currType = try d.text()
        let statusText = try d.requiredText("list_status", table)
        guard let status = ListStatus(rawValue: statusText) else {
            throw .invalidValue(
                table: table, column: "list_status", row: code.description,
                reason: "'\(statusText)' is not one of L, D, P")
        }
        self.init(tsCode: code, name: name, listStatus: status, listDate: try d.date(), delistDate: try d.date())
        self.symbol = symbol
        self.area = area
        self.industry = industry
        self.fullname = fullname
        self.enname = enname
        self.cnspell = cnspell
        self.market = market
        self.exchange = exchange
        self.currType = currType
        self.isHs = try d.text()
        self.actName = try d.text()
        self.actEntType = try d.text()
    }
}
