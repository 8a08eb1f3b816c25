import StockSchoolCore

/// Writes rows in `COPY … FROM STDIN` text format: tab-separated, `\N` for NULL, backslash
/// escapes. Formatting numbers is most of a bulk load's client time, so numbers are written
/// digit by digit into a byte array rather than through `String`.
struct PostgresCopyEncoder: RowEncoder {
    var bytes: [UInt8] = []
    var guardrail: ColumnGuard
    private var first = true

    init(schema: TableSchema, capacity: Int) {
        self.guardrail = ColumnGuard(schema)
        self.bytes.reserveCapacity(capacity)
    }

    mutating func startRow() {
        guardrail.reset()
        first = true
    }

    mutating func endRow() { bytes.append(UInt8(ascii: "\n")) }

    private mutating func separator() {
        if first { first = false } else { bytes.append(UInt8(ascii: "\t")) }
    }

    private mutating func null() {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "N"))
    }

    mutating func text(_ value: String?) throws(ColumnViolation) {
        let column = guardrail.next()
        separator()
        guard let value = try ColumnGuard.check(value, column) else { return null() }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            default: bytes.append(byte)
            }
        }
    }

    mutating func date(_ value: TradeDate?) throws(ColumnViolation) {
        let column = guardrail.next()
        separator()
        guard let value = try ColumnGuard.check(value, column) else { return null() }
        DecimalText.append(Int64(value.rawValue), to: &bytes)
    }

    mutating func double(_ value: Double?) throws(ColumnViolation) {
        let column = guardrail.next()
        separator()
        guard let value = try ColumnGuard.check(value, column) else { return null() }
        DecimalText.append(value, to: &bytes)
    }

    mutating func integer(_ value: Int64?) throws(ColumnViolation) {
        let column = guardrail.next()
        separator()
        guard let value = try ColumnGuard.check(value, column) else { return null() }
        DecimalText.append(value, to: &bytes)
    }

    mutating func timestamp(_ value: Timestamp?) throws(ColumnViolation) {
        try text(value?.iso8601)
    }

    mutating func boolean(_ value: Bool?) throws(ColumnViolation) {
        let column = guardrail.next()
        separator()
        guard let value = try ColumnGuard.check(value, column) else { return null() }
        bytes.append(UInt8(ascii: value ? "t" : "f"))
    }
}

/// Numbers as the shortest decimal text that reads back to the same value.
enum DecimalText {
    /// Decimal places tried before falling back to Swift's general shortest-round-trip printer.
    /// Market data is mostly prices in fen, amounts to 3 places, ratios to 4.
    static let scales: [(factor: Double, places: Int)] = [(1, 0), (100, 2), (1000, 3), (10_000, 4)]

    static func append(_ value: Double, to out: inout [UInt8]) {
        // n / factor == value means the decimal n·10^-places rounds to exactly this double, so
        // PostgreSQL's parser (correctly rounding) reads back the same bits.
        for (factor, places) in scales {
            let scaled = (value * factor).rounded()
            if abs(scaled) < 1e15, scaled / factor == value {
                appendFixed(Int64(scaled), places: places, to: &out)
                return
            }
        }
        out.append(contentsOf: value.description.utf8)
    }

    static func append(_ value: Int64, to out: inout [UInt8]) {
        appendFixed(value, places: 0, to: &out)
    }

    /// `n` with a decimal point `places` digits from the right (`1023, 2` → `10.23`).
    static func appendFixed(_ n: Int64, places: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        // Digits least significant first, on the stack.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var count = 0
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            while count <= places {
                digits[count] = UInt8(ascii: "0")
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) {
                if i == places - 1 { out.append(UInt8(ascii: ".")) }
                out.append(digits[i])
            }
        }
    }
}
