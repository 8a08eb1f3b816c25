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

    public init(table: String = "stock_daily", fields: [String], start: TradeDate, end: TradeDate, tsCodes: [TSCode]? = nil) {
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
                name: "panel table", reason: "'\(table)' is not a per-stock daily table (stock_daily, adj_factor, daily_basic, index_daily)")
        }
        guard !fields.isEmpty else { throw .invalidArgument(name: "panel fields", reason: "no field requested") }
        var columns: [Column] = []
        for field in fields {
            guard let column = schema.column(named: field), column.type == .double else {
                let numeric = schema.columns.filter { $0.type == .double }.map(\.name).joined(separator: ", ")
                throw .invalidArgument(
                    name: "panel field", reason: "'\(field)' is not a numeric column of \(table); choose from \(numeric)")
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

/// Builds a `PanelFrame` from rows arriving in (ts_code, trade_date) order, the order of the
/// tables' primary key, so that each new stock simply appends a block.
struct PanelBuilder {
    let dates: [TradeDate]
    let fieldCount: Int
    /// `yyyymmdd - firstDate` → date index, for an O(1) lookup without hashing.
    private var dateSlot: [Int32]
    private let firstDay: Int32
    private(set) var tsCodes: [TSCode] = []
    private(set) var values: [[Double]]
    private(set) var rows = 0

    init(dates: [TradeDate], fieldCount: Int) {
        self.dates = dates
        self.fieldCount = fieldCount
        self.firstDay = dates.first?.rawValue ?? 0
        let span = Int((dates.last?.rawValue ?? 0) - firstDay) + 1
        var slot = [Int32](repeating: -1, count: max(span, 0))
        for (i, d) in dates.enumerated() { slot[Int(d.rawValue - firstDay)] = Int32(i) }
        self.dateSlot = slot
        self.values = Array(repeating: [], count: fieldCount)
    }

    mutating func startStock(_ code: TSCode) {
        tsCodes.append(code)
        for f in 0..<fieldCount {
            values[f].append(contentsOf: repeatElement(Double.nan, count: dates.count))
        }
    }

    /// Index of `yyyymmdd` among the panel's dates, or nil.
    @inline(__always)
    func slot(_ yyyymmdd: Int32) -> Int? {
        let k = Int(yyyymmdd - firstDay)
        guard k >= 0, k < dateSlot.count else { return nil }
        let s = dateSlot[k]
        return s < 0 ? nil : Int(s)
    }

    /// Writes field `f` of the current stock at `dateIndex`.
    @inline(__always)
    mutating func set(field f: Int, dateIndex: Int, _ value: Double) {
        values[f][(tsCodes.count - 1) * dates.count + dateIndex] = value
    }

    mutating func countRow() { rows += 1 }

    func build(fields: [String]) -> PanelFrame {
        PanelFrame(tsCodes: tsCodes, dates: dates, fields: fields, values: values, rowCount: rows)
    }
}
