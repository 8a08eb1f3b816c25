/// One server reply: a three-digit code and its text lines (`250-mail.example.com`,
/// `250-STARTTLS`, `250 AUTH PLAIN LOGIN` is one reply with three lines).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    /// The text of each line, without the code and separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// `535 5.7.8 bad credentials`: the code and the text, lines joined by spaces.
    public var description: String {
        let text = lines.filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? "\(code)" : "\(code) \(text)"
    }

    /// 4xx: try again later; the caller's retry may succeed.
    public var isTransient: Bool { (400..<500).contains(code) }
}
