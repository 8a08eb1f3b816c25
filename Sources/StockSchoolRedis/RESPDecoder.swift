import NIOCore

/// Turns the bytes a Redis server sends into `RESPValue`s, one complete top-level reply at a time.
///
/// TCP delivers replies in arbitrary pieces: a reply may end mid-length-line, mid-payload, or
/// between the payload and its CRLF, and one read may carry hundreds of pipelined replies. The
/// decoder therefore parses from a copy of the buffer and consumes bytes only when a whole reply
/// is there; an incomplete one is left untouched for the next read. A large bulk string costs
/// one length check per read until its last byte arrives, not a rescan.
///
/// Malformed input (an unknown type byte, a non-numeric length, a payload not followed by CRLF)
/// throws `RedisError.protocolViolation`: after that the byte stream cannot be re-synchronised,
/// so the connection is closed rather than guessed at.
public struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    /// The longest bulk string accepted: Redis's own default `proto-max-bulk-len` (512 MiB).
    public static let maximumBulkLength = 512 * 1024 * 1024
    /// Deeper nesting than any Redis command produces; the bound keeps a hostile or corrupt
    /// stream from exhausting the stack.
    public static let maximumDepth = 128

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        var cursor = buffer
        guard let value = try Self.parseValue(&cursor, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: cursor.readerIndex)
        return value
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try decode(buffer: &buffer)
    }

    /// Parses one value at the reader index of `buffer`, advancing it past the value; `nil` (with
    /// `buffer` in an unspecified position) when the value is not complete yet.
    static func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return try readLine(&buffer).map { .simpleString(String(decoding: $0, as: UTF8.self)) }
        case UInt8(ascii: "-"):
            return try readLine(&buffer).map { .error(String(decoding: $0, as: UTF8.self)) }
        case UInt8(ascii: ":"):
            return try readLine(&buffer).map { .integer(try integer(in: $0, of: "integer reply")) }
        case UInt8(ascii: "$"):
            guard let line = try readLine(&buffer) else { return nil }
            let length = try integer(in: line, of: "bulk string length")
            if length == -1 { return .bulkString(nil) }
            guard length >= 0, length <= maximumBulkLength else {
                throw RedisError.protocolViolation("bulk string length \(length) is out of range")
            }
            let count = Int(length)
            guard buffer.readableBytes >= count + 2 else { return nil }
            let bytes = buffer.readBytes(length: count) ?? []
            guard buffer.readInteger(as: UInt16.self) == 0x0D0A else {
                throw RedisError.protocolViolation("bulk string of \(count) bytes is not followed by CRLF")
            }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let line = try readLine(&buffer) else { return nil }
            let count = try integer(in: line, of: "array length")
            if count == -1 { return .array(nil) }
            guard count >= 0, count <= Int64(Int32.max) else {
                throw RedisError.protocolViolation("array length \(count) is out of range")
            }
            guard depth < maximumDepth else {
                throw RedisError.protocolViolation("arrays nested deeper than \(maximumDepth) levels")
            }
            // Every element takes at least three bytes, so a lying length cannot make us reserve
            // more than the bytes already received justify.
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(Int(count), buffer.readableBytes / 3))
            for _ in 0..<count {
                guard let element = try parseValue(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw RedisError.protocolViolation(
                "unexpected type byte 0x\(String(type, radix: 16)) where a reply should start (\(printable(type)))"
            )
        }
    }

    /// The bytes up to the next CRLF, consuming the CRLF; `nil` when the line is not complete.
    private static func readLine(_ buffer: inout ByteBuffer) throws -> [UInt8]? {
        let end = buffer.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "\r")) }
        guard let end, buffer.readableBytes >= end + 2 else { return nil }
        let line = buffer.readBytes(length: end) ?? []
        guard buffer.readInteger(as: UInt16.self) == 0x0D0A else {
            throw RedisError.protocolViolation("a line ends in CR without LF")
        }
        return line
    }

    private static func integer(in line: [UInt8], of what: String) throws -> Int64 {
        guard line.count <= 20, let value = Int64(String(decoding: line, as: UTF8.self)) else {
            throw RedisError.protocolViolation(
                "\(what) '\(String(decoding: line.prefix(32), as: UTF8.self))' is not an integer"
            )
        }
        return value
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "not printable"
    }
}
