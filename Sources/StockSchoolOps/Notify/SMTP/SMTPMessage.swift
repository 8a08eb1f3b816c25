import Foundation

/// One plain-text email: addresses as written in configuration (`ops@example.com` or
/// `Ops <ops@example.com>`), a subject and a body, both of which may be Chinese.
public struct SMTPMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Date
    /// Unique per message, so a receiving system can tell a retried send from a new alert.
    public var messageID: String

    public init(
        from: String, to: [String], subject: String, body: String, date: Date = Date(), messageID: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(Self.domain(of: from))>"
    }

    /// The bare address for the envelope (`MAIL FROM:<…>`).
    public var envelopeFrom: String { Self.bareAddress(from) }
    public var envelopeRecipients: [String] { to.map(Self.bareAddress) }

    /// How the body is put on the wire.
    public enum TransferEncoding: String, Sendable {
        /// ASCII with short lines: sent as is.
        case sevenBit = "7bit"
        /// UTF-8 as is, when the server announced 8BITMIME: readable in the raw message.
        case eightBit = "8bit"
        /// Anything else: survives every relay, at a third more bytes.
        case base64
    }

    /// The encoding for this body: the plainest one that is safe. RFC 5322 caps a line at 998
    /// bytes, and 8-bit data may only go to a server that announced it can take it.
    public func transferEncoding(eightBitAllowed: Bool) -> TransferEncoding {
        let lines = Self.normalizedLines(body)
        guard lines.allSatisfy({ $0.utf8.count <= 998 }) else { return .base64 }
        if body.utf8.allSatisfy({ $0 < 0x80 }) { return .sevenBit }
        return eightBitAllowed ? .eightBit : .base64
    }

    /// The message as RFC 5322 text with CRLF line ends, before dot-stuffing.
    public func rendered(eightBitAllowed: Bool) -> String {
        let encoding = transferEncoding(eightBitAllowed: eightBitAllowed)
        var headers = [
            "From: \(MIMEHeader.address(from))",
            "To: \(to.map(MIMEHeader.address).joined(separator: ", "))",
            MIMEHeader.unstructured(name: "Subject", value: subject),
            "Date: \(MIMEHeader.date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(encoding.rawValue)",
        ]
        headers.append("")
        let lines = Self.normalizedLines(body)
        let bodyText: String
        switch encoding {
        case .sevenBit, .eightBit:
            bodyText = lines.joined(separator: "\r\n")
        case .base64:
            // RFC 2045 §6.8: lines of at most 76 characters.
            let encoded = Array(Data(lines.joined(separator: "\r\n").utf8).base64EncodedString().utf8)
            bodyText = stride(from: 0, to: encoded.count, by: 76).map { start in
                String(decoding: encoded[start..<min(start + 76, encoded.count)], as: UTF8.self)
            }.joined(separator: "\r\n")
        }
        return headers.joined(separator: "\r\n") + "\r\n" + bodyText + "\r\n"
    }

    /// The body's lines, whatever mix of CRLF, LF and CR it was written with.
    static func normalizedLines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `ops@example.com` from `Ops <ops@example.com>` or from itself.
    static func bareAddress(_ address: String) -> String {
        guard let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close else {
            return address.trimmingCharacters(in: .whitespaces)
        }
        return String(address[address.index(after: open)..<close])
    }

    private static func domain(of address: String) -> String {
        let bare = bareAddress(address)
        guard let at = bare.lastIndex(of: "@") else { return "localhost" }
        let domain = bare[bare.index(after: at)...]
        return domain.isEmpty ? "localhost" : String(domain)
    }
}
