import StockSchoolCore

/// Reads typed values out of a Tushare `data` table, by field name, checking every cell: a
/// missing field, a row of the wrong width, a bad ts_code or date, or text where a number belongs
/// is a `malformedPayload` naming the API, the row and the field — and nothing is written.
struct TushareTableReader {
    /// Where a table came from, to name the place of a bad value.
    enum Origin: Sendable {
        /// A Tushare reply: rows counted from 0 as in `items`.
        case api(String)
        /// A CSV file whose first line is the header: row r is line r + 2.
        case csv(file: String, dataset: String)

        var isCSV: Bool {
            if case .csv = self { return true }
            return false
        }

        var api: String {
            switch self {
            case .api(let name): name
            case .csv(_, let dataset): dataset
            }
        }
    }

    let origin: Origin
    var api: String { origin.api }
    let table: TushareResponse.Table
    private let position: [String: Int]

    init(api: String, table: TushareResponse.Table, required: [String]) throws(TushareError) {
        try self.init(origin: .api(api), table: table, required: required)
    }

    init(origin: Origin, table: TushareResponse.Table, required: [String]) throws(TushareError) {
        self.origin = origin
        let api = origin.api
        self.table = table
        var position: [String: Int] = [:]
        for (i, name) in table.fields.enumerated() { position[name] = i }
        self.position = position
        let missing = required.filter { position[$0] == nil }
        guard missing.isEmpty else {
            throw .malformedPayload(
                api: api,
                reason:
                    "fields \(missing.joined(separator: ", ")) missing from the \(origin.isCSV ? "header" : "reply") (got \(table.fields.joined(separator: ",")))"
            )
        }
        for (r, row) in table.items.enumerated() where row.count != table.fields.count {
            throw .malformedPayload(
                api: api, reason: "row \(r) has \(row.count) values for \(table.fields.count) fields")
        }
    }

    var rowCount: Int { table.items.count }

    static func place(_ origin: Origin, row: Int) -> String {
        switch origin {
        case .api: "row \(row)"
        case .csv: "line \(row + 2)"
        }
    }

    /// A field by name, its column looked up once, for loops over many rows.
    struct Field: ExpressibleByStringLiteral, CustomStringConvertible {
        let name: String
        let index: Int?

        init(stringLiteral name: String) {
            self.name = name
            self.index = nil
        }

        init(name: String, index: Int?) {
            self.name = name
            self.index = index
        }

        var description: String { name }
    }

    func field(_ name: String) -> Field { Field(name: name, index: position[name]) }

    private func cell(_ row: Int, _ field: Field) -> TushareValue {
        guard let i = field.index ?? position[field.name] else { return .null }
        return table.items[row][i]
    }

    private func bad(_ row: Int, _ field: Field, _ what: String) -> TushareError {
        let column = (field.index ?? position[field.name] ?? 0) + 1
        switch origin {
        case .api: return .malformedPayload(api: api, reason: "row \(row) field \(field): \(what)")
        case .csv:
            return .malformedPayload(
                api: api, reason: "\(Self.place(origin, row: row)) column \(column) (\(field)): \(what)")
        }
    }

    func text(_ row: Int, _ field: Field) throws(TushareError) -> String? {
        switch cell(row, field) {
        case .null: return nil
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        }
    }

    func requiredText(_ row: Int, _ field: Field) throws(TushareError) -> String {
        guard let value = try text(row, field), !value.isEmpty else { throw bad(row, field, "missing") }
        return value
    }

    func double(_ row: Int, _ field: Field) throws(TushareError) -> Double? {
        switch cell(row, field) {
        case .null: return nil
        case .number(let n):
            guard n.isFinite else { throw bad(row, field, "\(n) is not a finite number") }
            return n
        case .string(let s):
            if s.isEmpty { return nil }
            guard let n = Double(s), n.isFinite else { throw bad(row, field, "'\(s)' is not a number") }
            return n
        }
    }

    func requiredDouble(_ row: Int, _ field: Field) throws(TushareError) -> Double {
        guard let value = try double(row, field) else { throw bad(row, field, "missing") }
        return value
    }

    func date(_ row: Int, _ field: Field) throws(TushareError) -> TradeDate? {
        guard let raw = try text(row, field), !raw.isEmpty else { return nil }
        do { return try TradeDate(raw) } catch { throw bad(row, field, error.description) }
    }

    func requiredDate(_ row: Int, _ field: Field) throws(TushareError) -> TradeDate {
        guard let value = try date(row, field) else { throw bad(row, field, "missing") }
        return value
    }

    func code(_ row: Int, _ field: Field = "ts_code") throws(TushareError) -> TSCode {
        let raw = try requiredText(row, field)
        do { return try TSCode(raw) } catch { throw bad(row, field, error.description) }
    }
}
