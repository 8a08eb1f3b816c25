import NIOCore

/// Turns the server's bytes into replies, joining a multi-line reply (`250-…` lines up to the
/// `250 …` line) into one `SMTPReply`.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// RFC 5321 allows 512 bytes per reply line; a server sending far more without a line end is
    /// broken or hostile, and must not grow the buffer without bound.
    static let maximumLineLength = 4096

    /// A reply line that is not `NNN text` or `NNN-text`, or a code that changes mid-reply.
    struct Malformed: Error, CustomStringConvertible {
        let line: String
        var description: String { "malformed reply line '\(line.prefix(120))'" }
    }

    private var code: Int?
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw Malformed(line: String(decoding: buffer.readableBytesView.prefix(120), as: UTF8.self))
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard var bytes = buffer.readBytes(length: length) else { return .needMoreData }
        bytes.removeLast()
        // Servers end lines with CRLF; a bare LF is tolerated rather than fatal.
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self))
        else { throw Malformed(line: line) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw Malformed(line: line) }
        if let code, code != lineCode { throw Malformed(line: line) }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if separator == UInt8(ascii: " ") {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: lineCode, lines: lines)))
            code = nil
            lines = []
        }
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial line at the end of the stream is dropped: the caller sees the stream end and
        // reports the connection closed, which says more than a fragment would.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
