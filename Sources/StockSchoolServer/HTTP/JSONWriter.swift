/// Writes JSON straight into bytes. Responses are built from store rows and factor arrays where
/// a `Codable` round trip would cost more than the query; this writer also spells the project's
/// rule "missing is explicit" for JSON: a NaN or infinite `Double` becomes `null`, never 0.
public struct JSONWriter: Sendable {
    public static let contentType = "application/json; charset=utf-8"

    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    // MARK: Values

    public mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    public mutating func value(_ text: String) {
        bytes.append(0x22)
        for unit in text.utf8 {
            switch unit {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(unit >> 4)], hex[Int(unit & 0xF)]])
            default: bytes.append(unit)
            }
        }
        bytes.append(0x22)
    }

    public mutating func value(_ number: Int64) { bytes.append(contentsOf: String(number).utf8) }

    public mutating func value(_ number: Int) { bytes.append(contentsOf: String(number).utf8) }

    /// Shortest round-trip digits; `null` for NaN and ±∞ (JSON has no such numbers).
    public mutating func value(_ number: Double) {
        guard number.isFinite else { return null() }
        if number == number.rounded(.towardZero), abs(number) < 1e15 {
            bytes.append(contentsOf: String(Int64(number)).utf8)
        } else {
            bytes.append(contentsOf: number.description.utf8)
        }
    }

    public mutating func value(_ flag: Bool) {
        bytes.append(contentsOf: flag ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
    }

    public mutating func value(_ text: String?) {
        if let text { value(text) } else { null() }
    }

    public mutating func value(_ number: Double?) {
        if let number { value(number) } else { null() }
    }

    public mutating func value(_ number: Int64?) {
        if let number { value(number) } else { null() }
    }

    /// Bytes that already are JSON (a stored document, a cached fragment).
    public mutating func raw(_ json: some Sequence<UInt8>) { bytes.append(contentsOf: json) }

    // MARK: Containers

    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(0x7B)
        // Move the bytes into the object writer (no copy-on-write), and back when it is done.
        var object = ObjectWriter(writer: self)
        self = JSONWriter(capacity: 0)
        body(&object)
        object.writer.bytes.append(0x7D)
        self = object.writer
    }

    public mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(0x5B)
        var first = true
        for element in elements {
            if !first { bytes.append(0x2C) }
            first = false
            body(&self, element)
        }
        bytes.append(0x5D)
    }

    /// Writes fields of one JSON object; `field` adds the separating commas.
    public struct ObjectWriter {
        var writer: JSONWriter
        var first = true

        init(writer: JSONWriter) { self.writer = writer }

        mutating func key(_ name: String) {
            if !first { writer.bytes.append(0x2C) }
            first = false
            writer.value(name)
            writer.bytes.append(0x3A)
        }

        public mutating func field(_ name: String, _ body: (inout JSONWriter) -> Void) {
            key(name)
            body(&writer)
        }

        public mutating func field(_ name: String, _ text: String?) { field(name) { $0.value(text) } }
        public mutating func field(_ name: String, _ number: Double?) { field(name) { $0.value(number) } }
        public mutating func field(_ name: String, _ number: Int64?) { field(name) { $0.value(number) } }
        public mutating func field(_ name: String, _ number: Int) { field(name) { $0.value(number) } }
        public mutating func field(_ name: String, _ flag: Bool) { field(name) { $0.value(flag) } }
    }
}
