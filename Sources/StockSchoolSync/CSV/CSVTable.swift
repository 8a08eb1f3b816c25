/// An RFC 4180 CSV file read whole: a header line of field names, then rows. Quoted fields may
/// hold commas, quotes (`""`) and line breaks; a UTF-8 byte-order mark (what Excel writes) is
/// skipped; empty cells are missing values, as Tushare's `to_csv` writes NaN.
struct CSVTable {
    let header: [String]
    /// Each row with the line it starts on (1-based, the header is line 1).
    let rows: [(line: Int, cells: [String])]

    init(text: String, file: String) throws(SyncError) {
        var rows: [(Int, [String])] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].isEmpty) { rows.append((recordLine, record)) }
            record.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
            } else {
                switch b {
                case UInt8(ascii: "\""):
                    guard field.isEmpty else {
                        throw .invalidCSV(file: file, line: line, message: "a quote inside an unquoted field")
                    }
                    inQuotes = true
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\r"): break
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.append(b)
                }
            }
            i += 1
        }
        if inQuotes { throw .invalidCSV(file: file, line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let first = rows.first else { throw .invalidCSV(file: file, line: 1, message: "the file is empty") }
        self.header = first.1.map { $0.trimmingSpaces }
        self.rows = Array(rows.dropFirst())
        for row in self.rows where row.1.count != header.count {
            throw .invalidCSV(
                file: file, line: row.0, message: "\(row.1.count) values for the \(header.count) columns of the header")
        }
    }

    /// The rows as a Tushare table: empty cells become missing values; columns with an empty
    /// header (a pandas index) are dropped.
    func table() -> TushareResponse.Table {
        let keep = header.indices.filter { !header[$0].isEmpty }
        return TushareResponse.Table(
            fields: keep.map { header[$0] },
            items: rows.map { row in keep.map { row.cells[$0].isEmpty ? .null : .string(row.cells[$0]) } })
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(String.UnicodeScalarView(unicodeScalars.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()))
    }
}
