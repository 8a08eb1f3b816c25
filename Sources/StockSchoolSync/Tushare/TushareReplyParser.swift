import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a Tushare reply straight from its bytes. The shape is fixed — `code`, `msg`,
/// `request_id` and `data: {fields, items, has_more}` with scalar cells — so a direct parser does
/// in one pass what `JSONDecoder` does through generic containers per cell, several times faster
/// on a 5,000-row day (BENCHMARKS.md). Anything that is not valid JSON of that shape is an error.
struct TushareReplyParser {
    struct Invalid: Error {
        let offset: Int
        let reason: String
    }

    private let bytes: [UInt8]
    private var i = 0

    /// - Parameter terminated: the reply followed by one NUL byte, which lets `strtod` and the
    ///   scanning loops stop safely at the end of the buffer.
    private init(terminated: [UInt8]) {
        self.bytes = terminated
    }

    static func parse(_ bytes: [UInt8]) throws(Invalid) -> TushareResponse {
        try parse(terminated: bytes + [0])
    }

    /// Parses the reply straight from the HTTP body, copying it once.
    static func parse(_ buffer: ByteBuffer) throws(Invalid) -> TushareResponse {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(buffer.readableBytes + 1)
        buffer.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        bytes.append(0)
        return try parse(terminated: bytes)
    }

    private static func parse(terminated bytes: [UInt8]) throws(Invalid) -> TushareResponse {
        var parser = TushareReplyParser(terminated: bytes)
        let reply = try parser.reply()
        parser.skipSpace()
        guard parser.i == parser.bytes.count - 1 else { throw parser.fail("trailing characters") }
        return reply
    }

    private func fail(_ reason: String) -> Invalid { Invalid(offset: i, reason: reason) }

    private var current: UInt8 { bytes[i] }

    private mutating func skipSpace() {
        while i < bytes.count - 1 {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Invalid) {
        skipSpace()
        guard bytes[i] == byte else { throw fail("expected '\(Character(UnicodeScalar(byte)))'") }
        i += 1
    }

    /// Iterates the members of an object, calling `member` with each key.
    private mutating func object(_ member: (inout TushareReplyParser, String) throws(Invalid) -> Void) throws(Invalid) {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if current == UInt8(ascii: "}") {
            i += 1
            return
        }
        while true {
            skipSpace()
            let key = try string()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try member(&self, key)
            skipSpace()
            if current == UInt8(ascii: ",") {
                i += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    /// Iterates the elements of an array.
    private mutating func array(_ element: (inout TushareReplyParser) throws(Invalid) -> Void) throws(Invalid) {
        try expect(UInt8(ascii: "["))
        skipSpace()
        if current == UInt8(ascii: "]") {
            i += 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            if current == UInt8(ascii: ",") {
                i += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    private mutating func reply() throws(Invalid) -> TushareResponse {
        var code: Int?
        var msg: String?
        var requestID: String?
        var data: TushareResponse.Table?
        try object { (p: inout TushareReplyParser, key: String) throws(Invalid) in
            switch key {
            case "code":
                guard case .number(let n) = try p.scalar(), n == n.rounded() else {
                    throw p.fail("code is not an integer")
                }
                code = Int(n)
            case "msg":
                if case .string(let s) = try p.scalar() { msg = s }
            case "request_id":
                if case .string(let s) = try p.scalar() { requestID = s }
            case "data":
                if p.current == UInt8(ascii: "n") {
                    _ = try p.scalar()
                } else {
                    data = try p.table()
                }
            default:
                try p.skipValue()
            }
        }
        guard let code else { throw fail("no code") }
        return TushareResponse(code: code, msg: msg, data: data, requestID: requestID)
    }

    private mutating func table() throws(Invalid) -> TushareResponse.Table {
        var fields: [String] = []
        var items: [[TushareValue]] = []
        var hasMore: Bool?
        try object { (p: inout TushareReplyParser, key: String) throws(Invalid) in
            switch key {
            case "fields":
                try p.array { (p: inout TushareReplyParser) throws(Invalid) in
                    p.skipSpace()
                    fields.append(try p.string())
                }
            case "items":
                try p.array { (p: inout TushareReplyParser) throws(Invalid) in
                    var row: [TushareValue] = []
                    row.reserveCapacity(fields.count)
                    try p.array { (p: inout TushareReplyParser) throws(Invalid) in row.append(try p.scalar()) }
                    items.append(row)
                }
            case "has_more":
                if case .number(let n) = try p.scalar() { hasMore = n != 0 }
            default:
                try p.skipValue()
            }
        }
        return TushareResponse.Table(fields: fields, items: items, hasMore: hasMore)
    }

    /// A string, number, boolean (as 1/0) or null.
    private mutating func scalar() throws(Invalid) -> TushareValue {
        skipSpace()
        switch current {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"): try literal("true"); return .number(1)
        case UInt8(ascii: "f"): try literal("false"); return .number(0)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("expected a string, a number or null")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Invalid) {
        let count = word.utf8CodeUnitCount
        guard i + count < bytes.count else { throw fail("truncated literal") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { throw fail("bad literal") }
        i += count
    }

    private mutating func number() throws(Invalid) -> Double {
        if let (value, consumed) = Self.shortDecimal(bytes, at: i) {
            i += consumed
            return value
        }
        let offset = i
        let (value, consumed) = bytes.withUnsafeBufferPointer { buffer -> (Double, Int) in
            guard let base = buffer.baseAddress else { return (0, 0) }
            let start = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            guard let end else { return (0, 0) }
            return (value, UnsafeRawPointer(end) - UnsafeRawPointer(start))
        }
        guard consumed > 0, value.isFinite else { throw fail("bad number") }
        i += consumed
        return value
    }

    /// Exact powers of ten: every one up to 10^22 is a double.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Market data is short decimals (`12.34`, `1234567.8`); for a JSON number with at most 15
    /// significant digits and a decimal exponent within ±22 both the digits and the power of ten
    /// are exact doubles, so one multiplication or division rounds correctly (Clinger's fast
    /// path) and gives the same bits as `strtod`. Anything else returns `nil` for `strtod`.
    static func shortDecimal(_ bytes: [UInt8], at start: Int) -> (Double, Int)? {
        var k = start
        let negative = bytes[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        let firstDigit = k
        while k < bytes.count, bytes[k] &- UInt8(ascii: "0") < 10 {
            if mantissa != 0 || bytes[k] != UInt8(ascii: "0") { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(bytes[k] &- UInt8(ascii: "0"))
            k += 1
        }
        let integerDigits = k - firstDigit
        guard integerDigits > 0, integerDigits == 1 || bytes[firstDigit] != UInt8(ascii: "0") else { return nil }
        if k < bytes.count, bytes[k] == UInt8(ascii: ".") {
            k += 1
            let fractionStart = k
            while k < bytes.count, bytes[k] &- UInt8(ascii: "0") < 10 {
                if mantissa != 0 || bytes[k] != UInt8(ascii: "0") { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(bytes[k] &- UInt8(ascii: "0"))
                exponent -= 1
                k += 1
            }
            guard k > fractionStart else { return nil }
        }
        // Exponents, long mantissas: rare in Tushare replies, left to strtod.
        guard k < bytes.count, bytes[k] != UInt8(ascii: "e"), bytes[k] != UInt8(ascii: "E"), digits <= 15,
            -exponent <= 22
        else { return nil }
        var value = Double(mantissa)
        if exponent < 0 { value /= powersOfTen[-exponent] }
        return (negative ? -value : value, k - start)
    }

    private mutating func string() throws(Invalid) -> String {
        guard current == UInt8(ascii: "\"") else { throw fail("expected a string") }
        i += 1
        let start = i
        var plain = true
        while bytes[i] != UInt8(ascii: "\"") {
            guard i < bytes.count - 1 else { throw fail("unterminated string") }
            if bytes[i] == UInt8(ascii: "\\") {
                plain = false
                i += 1
            }
            i += 1
        }
        defer { i += 1 }
        if plain { return String(decoding: bytes[start..<i], as: UTF8.self) }
        return try unescape(start..<i)
    }

    private func unescape(_ range: Range<Int>) throws(Invalid) -> String {
        var out: [UInt8] = []
        var k = range.lowerBound
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= range.upperBound else { return nil }
            var v: UInt32 = 0
            for b in bytes[at..<at + 4] {
                guard let d = Character(UnicodeScalar(b)).hexDigitValue else { return nil }
                v = v * 16 + UInt32(d)
            }
            return v
        }
        while k < range.upperBound {
            let b = bytes[k]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                k += 1
                continue
            }
            let e = bytes[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(k) else { throw Invalid(offset: k, reason: "bad \\u escape") }
                k += 4
                if scalar >= 0xD800, scalar < 0xDC00, bytes[k] == UInt8(ascii: "\\"), bytes[k + 1] == UInt8(ascii: "u"),
                    let low = hex4(k + 2), low >= 0xDC00, low < 0xE000
                {
                    scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    k += 6
                }
                guard let unicode = UnicodeScalar(scalar) else { throw Invalid(offset: k, reason: "bad \\u escape") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Skips any JSON value (members this client does not use).
    private mutating func skipValue() throws(Invalid) {
        skipSpace()
        switch current {
        case UInt8(ascii: "{"):
            try object { (p: inout TushareReplyParser, _: String) throws(Invalid) in try p.skipValue() }
        case UInt8(ascii: "["): try array { (p: inout TushareReplyParser) throws(Invalid) in try p.skipValue() }
        default: _ = try scalar()
        }
    }
}
