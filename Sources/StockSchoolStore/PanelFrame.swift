import StockSchoolCore

/// What to load into a panel: chosen numeric columns of one market table for every stock (or the
/// given ones) over a date range.
public struct PanelRequest: Sendable, Equatable {
    public var table: String
    public var fields: [String]
    public var start: TradeDate
    public var end: TradeDate
    /// `nil` = every stock with data in the range.
    public var tsCodes: [TSCode]?

    public init(
        table: String = "stock_daily", fields: [String], start: TradeDate, end: TradeDate, tsCodes: [TSCode]? = nil
    ) {
        self.table = table
        self.fields = fields
        self.start = start
        self.end = end
        self.tsCodes = tsCodes
    }

    /// Checks table, fields and range against the schema before any query runs.
    func validated() throws(StockSchoolError) -> (TableSchema, [Column]) {
        guard let schema = Schema.table(named: table), schema.codeColumn != nil, schema.dateColumn == "trade_date"
        else {
            throw .invalidArgument(
                name: "panel table",
                reason: "'\(table)' is not a per-stock daily table (stock_daily, adj_factor, daily_basic, index_daily)")
        }
        guard !fields.isEmpty else { throw .invalidArgument(name: "panel fields", reason: "no field requested") }
        var columns: [Column] = []
        for field in fields {
            guard let column = schema.column(named: field), column.type == .double else {
                let numeric = schema.columns.filter { $0.type == .double }.map(\.name).joined(separator: ", ")
                throw .invalidArgument(
                    name: "panel field",
                    reason: "'\(field)' is not a numeric column of \(table); choose from \(numeric)")
            }
            columns.append(column)
        }
        guard start <= end else { throw .invalidDateRange(start: start, end: end) }
        return (schema, columns)
    }
}

/// Stocks × dates of raw values, one contiguous `Double` array per field, NaN where a stock has no
/// row (suspended, not yet listed, delisted). Each stock's time series is contiguous
/// (`values[stock * dates.count + date]`): rolling operators walk memory in order.
public struct PanelFrame: Sendable, Equatable {
    public let tsCodes: [TSCode]
    public let dates: [TradeDate]
    public let fields: [String]
    public var values: [[Double]]
    /// Rows the store returned.
    public let rowCount: Int

    public init(tsCodes: [TSCode], dates: [TradeDate], fields: [String], values: [[Double]], rowCount: Int) {
        self.tsCodes = tsCodes
        self.dates = dates
        self.fields = fields
        self.values = values
        self.rowCount = rowCount
    }

    public func value(field: String, tsCode: TSCode, date: TradeDate) -> Double? {
        guard let f = fields.firstIndex(of: field), let s = tsCodes.firstIndex(of: tsCode),
            let d = dates.firstIndex(of: date)
        else { return nil }
        return values[f][s * dates.count + d]
    }
}

/// Builds a `PanelFrame` from rows arriving in key order (`trade_date`, `ts_code`): values are
/// gathered in arrival order, then scattered once into stock-major arrays, stocks sorted by code.
struct DateMajorPanelBuilder {
    let fieldCount: Int
    private var slots: [Int: Int32] = [:]
    private var codes: [TSCode] = []
    private var dates: [TradeDate] = []
    private var rowStock: [Int32] = []
    private var rowDate: [Int32] = []
    private var rowValues: [[Double]]

    init(fieldCount: Int) {
        self.fieldCount = fieldCount
        self.rowValues = Array(repeating: [], count: fieldCount)
    }

    /// The slot of a `ts_code` given as UTF-8 bytes, without making a String per row: the nine
    /// bytes `dddddd.XX` pack into one integer key.
    mutating func stock(_ bytes: UnsafeRawBufferPointer) throws(StockSchoolError) -> Int32 {
        var key = -1
        if bytes.count == 9, bytes[6] == UInt8(ascii: ".") {
            var digits = 0
            var ok = true
            for i in 0..<6 {
                let b = bytes[i]
                if b < 48 || b > 57 { ok = false }
                digits = digits * 10 + Int(b &- 48)
            }
            if ok { key = digits << 16 | Int(bytes[7]) << 8 | Int(bytes[8]) }
        }
        if key >= 0, let slot = slots[key] { return slot }
        let code = try TSCode(String(decoding: bytes, as: UTF8.self))
        let slot = Int32(codes.count)
        codes.append(code)
        slots[key] = slot
        return slot
    }

    mutating func stock(_ text: String) throws(StockSchoolError) -> Int32 {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(StockSchoolError) -> Int32 in try stock(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    /// Starts a row; fields not set stay NaN.
    mutating func row(date yyyymmdd: Int32, stock: Int32) {
        if dates.last?.rawValue != yyyymmdd { dates.append(TradeDate(unchecked: yyyymmdd)) }
        rowStock.append(stock)
        rowDate.append(Int32(dates.count - 1))
        for f in 0..<fieldCount { rowValues[f].append(.nan) }
    }

    mutating func set(field f: Int, _ value: Double) {
        rowValues[f][rowValues[f].count - 1] = value
    }

    func build(fields: [String]) -> PanelFrame {
        let order = codes.indices.sorted { codes[$0] < codes[$1] }
        var position = [Int](repeating: 0, count: codes.count)
        for (final, slot) in order.enumerated() { position[slot] = final }
        let dateCount = dates.count
        var values: [[Double]] = []
        for f in 0..<fieldCount {
            var column = [Double](repeating: .nan, count: codes.count * dateCount)
            let source = rowValues[f]
            column.withUnsafeMutableBufferPointer { out in
                for r in source.indices {
                    out[position[Int(rowStock[r])] * dateCount + Int(rowDate[r])] = source[r]
                }
            }
            values.append(column)
        }
        return PanelFrame(
            tsCodes: order.map { codes[$0] }, dates: dates, fields: fields, values: values, rowCount: rowStock.count)
    }
}
