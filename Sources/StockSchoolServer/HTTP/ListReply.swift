import StockSchoolStore

/// Column kinds of store rows as JSON: dates are `YYYYMMDD` strings (Tushare's wire form), NULL
/// is `null`.
enum ColumnKind: Sendable {
    case text, date, number, integer
}

extension JSONWriter {
    mutating func value(_ value: SQLValue, as kind: ColumnKind) {
        switch (kind, value) {
        case (_, .null): null()
        case (.date, _): self.value(value.int.map { String($0) })
        case (.text, _): self.value(value.string)
        case (.number, _): self.value(value.doubleValue)
        case (.integer, _): self.value(value.int)
        }
    }

    /// Rows as objects keyed by `columns`' names.
    mutating func rows(_ rows: [[SQLValue]], columns: [(name: String, kind: ColumnKind)]) {
        array(rows) { w, row in
            w.object { o in
                for (i, column) in columns.enumerated() where i < row.count {
                    o.field(column.name) { $0.value(row[i], as: column.kind) }
                }
            }
        }
    }
}

extension Reply {
    /// The list shape every list route answers with: `{items, page, page_size, total}`, plus any
    /// fields that describe the whole list (`ts_code`, `adj`).
    static func list(
        page: Page, total: Int, header: (inout JSONWriter.ObjectWriter) -> Void = { _ in },
        items: (inout JSONWriter) -> Void
    ) -> Reply {
        Reply.json { w in
            w.object { o in
                header(&o)
                o.field("items", items)
                o.field("page", page.number)
                o.field("page_size", page.size)
                o.field("total", total)
            }
        }
    }
}
