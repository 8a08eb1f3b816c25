import NIOCore
import StockSchoolCore

/// Writes rows in `COPY … FROM STDIN WITH (FORMAT binary)` format: per row a 16-bit field count,
/// per field a 32-bit length (−1 for NULL) and the value as the column type's `recv` function
/// reads it, big-endian.
///
/// Parsing text was most of a bulk load's server time: `float8in` on every price. Binary values
/// need no parsing on either side, and a double arrives with exactly its bits.
struct PostgresBinaryCopyEncoder: RowEncoder {
    var guardrail: ColumnGuard
    private let fieldCount: Int16
    /// The bytes written since the last `drain`: stores straight into raw memory cost a
    /// fraction of `ByteBuffer`'s checked writes per value.
    private var bytes: Bytes
    private(set) var count = 0

    /// Memory that frees itself; replaced, never resized, so its fields stay constants.
    private final class Bytes {
        let base: UnsafeMutableRawPointer
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity, alignment: 8)
        }

        deinit { base.deallocate() }
    }

    /// The file header: signature, flags (no OIDs), no header extension.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// PostgreSQL's epoch for `timestamptz`, 2000-01-01T00:00:00Z, in Unix seconds.
    static let postgresEpoch: Int64 = 946_684_800

    init(schema: TableSchema, capacity: Int) {
        guardrail = ColumnGuard(schema)
        fieldCount = Int16(schema.columns.count)
        bytes = Bytes(capacity: max(capacity, 64))
        for byte in Self.header { put(byte) }
    }

    /// Encodes `rows` from `start` on until at least `bytes` bytes are waiting or the rows run
    /// out; returns the index of the next row to encode.
    mutating func encode<R: StoreRecord>(_ rows: [R], from start: Int, untilBytes bytes: Int) throws -> Int {
        var next = start
        while next < rows.count && count < bytes {
            startRow()
            try rows[next].encodeChecked(to: &self)
            next += 1
        }
        return next
    }

    /// Moves what is written so far into `buffer`.
    mutating func drain(into buffer: inout ByteBuffer) {
        buffer.writeBytes(UnsafeRawBufferPointer(start: bytes.base, count: count))
        count = 0
    }

    /// The end of the data: a field count of −1.
    mutating func finish() { put(Int16(-1)) }

    @inline(__always) private mutating func reserve(_ more: Int) {
        guard count + more > bytes.capacity else { return }
        let grown = Bytes(capacity: max(2 * bytes.capacity, count + more))
        grown.base.copyMemory(from: bytes.base, byteCount: count)
        bytes = grown
    }

    @inline(__always) private mutating func put<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        bytes.base.storeBytes(of: value.bigEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    mutating func startRow() {
        guardrail.reset()
        put(fieldCount)
    }

    private mutating func null() { put(Int32(-1)) }

    mutating func text(_ value: String?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        var text = value
        text.withUTF8 { utf8 in
            put(Int32(utf8.count))
            reserve(utf8.count)
            if let source = utf8.baseAddress { (bytes.base + count).copyMemory(from: source, byteCount: utf8.count) }
            count += utf8.count
        }
    }

    mutating func date(_ value: TradeDate?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        put(Int32(4))
        put(value.rawValue)
    }

    mutating func double(_ value: Double?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        put(Int32(8))
        put(value.bitPattern)
    }

    mutating func integer(_ value: Int64?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        put(Int32(8))
        put(value)
    }

    /// Microseconds since PostgreSQL's epoch, rounded as `Timestamp.iso8601` rounds: the whole
    /// second down, its fraction to the nearest microsecond.
    mutating func timestamp(_ value: Timestamp?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        let seconds = value.secondsSinceEpoch
        // Microseconds since 2000 must fit in 64 bits (PostgreSQL's own range ends sooner, in
        // 294276, and rejects what lies beyond it).
        guard seconds.isFinite, abs(seconds) < 9e12 else {
            throw guardrail.violation(column, "\(seconds) s is not a representable instant")
        }
        let whole = seconds.rounded(.down)
        let micros = Int64(((seconds - whole) * 1_000_000).rounded())
        put(Int32(8))
        put((Int64(whole) - Self.postgresEpoch) * 1_000_000 + micros)
    }

    mutating func boolean(_ value: Bool?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return null() }
        put(Int32(1))
        put(UInt8(value ? 1 : 0))
    }
}
