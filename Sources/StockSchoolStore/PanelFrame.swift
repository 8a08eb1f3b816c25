import Dispatch
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
///
/// Most days list the same stocks as the day before in the same order, so each row is first
/// matched against the previous day's sequence; only new or shifted stocks pay a hash lookup.
struct DateMajorPanelBuilder {
    let fieldCount: Int
    private var slots: [Int: Int32] = [:]
    private var slotKeys: [Int] = []
    private var codes: [TSCode] = []
    private var dates: [TradeDate] = []
    private var previousDay: [Int32] = []
    private var currentDay: [Int32] = []
    private var rowStock: [Int32] = []
    private var rowDate: [Int32] = []
    /// Row-major: `fieldCount` values per row.
    private var rowValues: [Double] = []

    init(fieldCount: Int) {
        self.fieldCount = fieldCount
    }

    /// Packs `dddddd.XX` into one integer without making a String; -1 if malformed.
    @inline(__always)
    static func key(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count == 9, bytes[6] == UInt8(ascii: ".") else { return -1 }
        var digits = 0
        for i in 0..<6 {
            let b = bytes[i] &- 48
            if b > 9 { return -1 }
            digits = digits &* 10 &+ Int(b)
        }
        return digits << 16 | Int(bytes[7]) << 8 | Int(bytes[8])
    }

    /// Starts a row of stock `code` (UTF-8 bytes) on `yyyymmdd`; fields not given stay NaN.
    mutating func row(date yyyymmdd: Int32, code bytes: UnsafeRawBufferPointer) throws(StockSchoolError) {
        if dates.last?.rawValue != yyyymmdd {
            dates.append(TradeDate(unchecked: yyyymmdd))
            swap(&previousDay, &currentDay)
            currentDay.removeAll(keepingCapacity: true)
        }
        let key = Self.key(bytes)
        let position = currentDay.count
        let slot: Int32
        if key >= 0, position < previousDay.count, slotKeys[Int(previousDay[position])] == key {
            slot = previousDay[position]
        } else if key >= 0, let known = slots[key] {
            slot = known
        } else {
            let code = try TSCode(String(decoding: bytes, as: UTF8.self))
            slot = Int32(codes.count)
            codes.append(code)
            slotKeys.append(key)
            slots[key] = slot
        }
        currentDay.append(slot)
        rowStock.append(slot)
        rowDate.append(Int32(dates.count - 1))
    }

    mutating func row(date yyyymmdd: Int32, code text: String) throws(StockSchoolError) {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(StockSchoolError) in try row(date: yyyymmdd, code: UnsafeRawBufferPointer(buffer)) }
        }
        try result.get()
    }

    /// The row's next field value, in request order (NaN for NULL).
    @inline(__always)
    mutating func append(_ value: Double) {
        rowValues.append(value)
    }

    func build(fields: [String]) -> PanelFrame {
        Self.build([self], fields: fields)
    }

    /// One frame from parts read for consecutive date ranges, in date order: the stocks are the
    /// union of the parts' (sorted by code), the dates follow one another, and each field's
    /// column is scattered by a thread of its own (the scatter writes every row's value a
    /// stock's whole series apart from the last one: a cache miss each, worth spreading).
    static func build(_ parts: [DateMajorPanelBuilder], fields: [String]) -> PanelFrame {
        var stockIndex: [TSCode: Int] = [:]
        var codes: [TSCode] = []
        for part in parts {
            for code in part.codes where stockIndex[code] == nil {
                stockIndex[code] = codes.count
                codes.append(code)
            }
        }
        let order = codes.indices.sorted { codes[$0] < codes[$1] }
        var final = [Int](repeating: 0, count: codes.count)
        for (position, index) in order.enumerated() { final[index] = position }
        // Per part: its slots' final stock positions, and where its dates start.
        let positions = parts.map { part in part.codes.map { final[stockIndex[$0, default: 0]] } }
        var starts: [Int] = []
        var dates: [TradeDate] = []
        for part in parts {
            starts.append(dates.count)
            dates += part.dates
        }
        let firstDate = starts
        let dateCount = dates.count
        let cells = codes.count * dateCount
        let fieldCount = fields.count
        let columns = ColumnSlots(count: fieldCount)
        DispatchQueue.concurrentPerform(iterations: fieldCount) { f in
            let column = [Double](unsafeUninitializedCapacity: cells) { out, initialized in
                guard let base = out.baseAddress else { return }
                base.initialize(repeating: .nan, count: cells)
                for (p, part) in parts.enumerated() {
                    let position = positions[p]
                    let dateOffset = firstDate[p]
                    let stride = part.fieldCount
                    part.rowValues.withUnsafeBufferPointer { source in
                        for r in part.rowStock.indices {
                            base[position[Int(part.rowStock[r])] * dateCount + dateOffset + Int(part.rowDate[r])] =
                                source[r * stride + f]
                        }
                    }
                }
                initialized = cells
            }
            columns.base[f] = column
        }
        return PanelFrame(
            tsCodes: order.map { codes[$0] }, dates: dates, fields: fields, values: columns.take(),
            rowCount: parts.reduce(0) { $0 + $1.rowStock.count })
    }

    /// The columns `build`'s threads write, one slot each.
    private final class ColumnSlots: @unchecked Sendable {
        // @unchecked: each thread writes its own slot; `take` runs after they are joined.
        let base: UnsafeMutablePointer<[Double]>
        let count: Int

        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: [], count: count)
        }

        func take() -> [[Double]] { Array(UnsafeBufferPointer(start: base, count: count)) }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}

extension PanelFrame {
    /// Every field rearranged onto other stocks and dates (NaN where this frame has no value), so
    /// panels read from different tables line up cell for cell.
    public func values(on targetCodes: [TSCode], dates targetDates: [TradeDate]) -> [[Double]] {
        let days = targetDates.count
        let stockIndex = Dictionary(targetCodes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let dateIndex = Dictionary(targetDates.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let targetOf = dates.map { dateIndex[$0] }
        let sourceDates = dates.count
        return values.map { column in
            var out = [Double](repeating: .nan, count: targetCodes.count * days)
            for (s, code) in tsCodes.enumerated() {
                guard let ts = stockIndex[code] else { continue }
                for (d, td) in targetOf.enumerated() {
                    guard let td else { continue }
                    out[ts * days + td] = column[s * sourceDates + d]
                }
            }
            return out
        }
    }
}
