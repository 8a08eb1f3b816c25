import NIOCore
import StockSchoolRedis
import StockSchoolServer
import Testing

@Suite struct RESPDecoderTests {
    /// Hand-written replies of every RESP2 type, with the values they spell.
    static let frames: [(wire: String, value: RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("+\r\n", .simpleString("")),
        ("-ERR unknown command 'FOO'\r\n", .error("ERR unknown command 'FOO'")),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(Int64.max)),
        ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        // A bulk string is binary-safe: CR LF inside the payload is data, not a terminator.
        ("$4\r\na\r\nb\r\n", .bulkString([0x61, 0x0D, 0x0A, 0x62])),
        ("*0\r\n", .array([])),
        ("*-1\r\n", .array(nil)),
        (
            "*3\r\n:1\r\n*2\r\n+a\r\n$-1\r\n*-1\r\n",
            .array([.integer(1), .array([.simpleString("a"), .bulkString(nil)]), .array(nil)])
        ),
        ("*2\r\n*1\r\n*0\r\n-WRONGTYPE x\r\n", .array([.array([.array([])]), .error("WRONGTYPE x")])),
    ]

    static var stream: [UInt8] { frames.flatMap { Array($0.wire.utf8) } }
    static var values: [RESPValue] { frames.map(\.value) }

    /// Feeds `chunks` the way `ByteToMessageHandler` does: append each to a cumulation buffer,
    /// then decode until the decoder needs more.
    static func decode(_ chunks: [ArraySlice<UInt8>]) throws -> (values: [RESPValue], leftover: Int) {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
        }
        return (values, buffer.readableBytes)
    }

    @Test func decodesEveryTypeInOneRead() throws {
        let result = try Self.decode([Self.stream[...]])
        #expect(result.values == Self.values)
        #expect(result.leftover == 0)
    }

    @Test func decodesTheStreamSplitAtEveryByte() throws {
        let stream = Self.stream
        for split in 0...stream.count {
            let result = try Self.decode([stream[..<split], stream[split...]])
            #expect(result.values == Self.values, "split at byte \(split)")
            #expect(result.leftover == 0)
        }
    }

    @Test func decodesTheStreamOneByteAtATime() throws {
        let stream = Self.stream
        let result = try Self.decode(stream.indices.map { stream[$0...$0] })
        #expect(result.values == Self.values)
    }

    @Test func incompleteFrameConsumesNothing() throws {
        var decoder = RESPDecoder()
        for wire in ["$5\r\nhel", "$5\r\nhello\r", "*2\r\n:1\r\n", "*2\r\n:1\r\n$3\r\nab", ":12", "+OK\r"] {
            var buffer = ByteBuffer(string: wire)
            #expect(try decoder.decode(buffer: &buffer) == nil, "\(wire.debugDescription)")
            #expect(buffer.readableBytes == wire.utf8.count, "\(wire.debugDescription) must stay unread")
        }
    }

    @Test func largeBulkStringInManyChunks() throws {
        let payload = (0..<(1 << 20)).map { UInt8($0 % 251) }
        let wire = Array("$\(payload.count)\r\n".utf8) + payload + Array("\r\n:7\r\n".utf8)
        let chunks = stride(from: 0, to: wire.count, by: 4096).map { wire[$0..<min($0 + 4096, wire.count)] }
        let result = try Self.decode(chunks)
        #expect(result.values == [.bulkString(payload), .integer(7)])
    }

    @Test(arguments: [
        "?x\r\n",  // unknown type byte
        "$abc\r\n",  // non-numeric length
        "$3\r\nabcd\r\n",  // payload longer than announced: no CRLF after 3 bytes
        "$-2\r\n",  // negative length other than -1
        "*-5\r\n",
        ":12a\r\n",
        "+OK\rX\n",  // CR not followed by LF
    ])
    func malformedInputIsAProtocolViolation(wire: String) throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: wire)
        #expect {
            _ = try decoder.decode(buffer: &buffer)
        } throws: { error in
            guard case .protocolViolation = error as? RedisError else { return false }
            return true
        }
    }

    @Test func encoderWritesTheWireFormAndRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeRESPValue(.array([.bulkString("GET"), .bulkString("k")]))
        #expect(buffer.readString(length: buffer.readableBytes) == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        for (wire, value) in Self.frames {
            var encoded = ByteBuffer()
            encoded.writeRESPValue(value)
            #expect(encoded.getString(at: encoded.readerIndex, length: encoded.readableBytes) == wire)
        }
    }

    @Test func accessorsReadTheirTypesOnly() {
        #expect(RESPValue.bulkString("12").integer == 12)
        #expect(RESPValue.integer(3).string == nil)
        #expect(RESPValue.bulkString(nil).isNull)
        #expect(RESPValue.array(nil).isNull)
        #expect(!RESPValue.array([]).isNull)
        #expect(RESPValue.simpleString("OK").bytes == Array("OK".utf8))
    }
}
