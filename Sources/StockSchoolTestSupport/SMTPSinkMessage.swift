import Foundation

/// One message an `SMTPSink` accepted: the envelope, the data as the server got it, and helpers
/// that decode the subject and body with code of their own (not the client's), so a test checks
/// the client against an independent reading of the wire format.
public struct SMTPSinkMessage: Sendable {
    public let envelopeFrom: String
    public let recipients: [String]
    /// `MAIL FROM` parameters (`BODY=8BITMIME`).
    public let mailParameters: [String]
    /// The message after removing dot-stuffing, lines ending in CRLF.
    public let data: String
    /// The DATA lines exactly as they arrived, dot-stuffing included, without the final `.`.
    public let wireLines: [String]
    /// Whether the message came over TLS (STARTTLS or implicit).
    public let overTLS: Bool
    /// The user that authenticated, if any.
    public let authenticatedUser: String?

    /// Header name/value pairs in order, folded lines joined (RFC 5322 §2.2.3).
    public var headers: [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for line in headerSection.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = result.popLast() {
                result.append((last.name, last.value + line))
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
                result.append((String(line[..<colon]), String(value)))
            }
        }
        return result
    }

    /// The first header called `name` (case-insensitive), unfolded but not decoded.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The subject with RFC 2047 encoded-words decoded.
    public var subject: String? {
        header("Subject").map(Self.decodeEncodedWords)
    }

    /// The body decoded by its Content-Transfer-Encoding, line ends turned into `\n`, without the
    /// final line end.
    public var body: String {
        var text = bodySection
        if header("Content-Transfer-Encoding")?.lowercased() == "base64" {
            let joined = text.components(separatedBy: "\r\n").joined()
            text = Data(base64Encoded: joined).map { String(decoding: $0, as: UTF8.self) } ?? "<invalid base64>"
        }
        var lines = text.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private var headerSection: String {
        data.components(separatedBy: "\r\n\r\n").first ?? ""
    }

    private var bodySection: String {
        guard let range = data.range(of: "\r\n\r\n") else { return "" }
        return String(data[range.upperBound...])
    }

    /// Decodes `=?charset?B|Q?text?=` words; whitespace between two encoded-words is dropped, as
    /// RFC 2047 §6.2 says.
    static func decodeEncodedWords(_ value: String) -> String {
        let pattern = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/
        var output = ""
        var rest = Substring(value)
        var previousWasEncoded = false
        while let match = rest.firstMatch(of: pattern) {
            let between = rest[..<match.range.lowerBound]
            if !(previousWasEncoded && between.allSatisfy(\.isWhitespace)) { output += between }
            let text = String(match.output.3)
            if match.output.2.uppercased() == "B" {
                output += Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) } ?? text
            } else {
                output += decodeQ(text)
            }
            previousWasEncoded = true
            rest = rest[match.range.upperBound...]
        }
        return output + rest
    }

    private static func decodeQ(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "_") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "="), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
