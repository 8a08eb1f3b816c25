/// What the server said it can do in its EHLO reply: `STARTTLS`, `AUTH PLAIN LOGIN`, `8BITMIME`.
struct SMTPCapabilities: Sendable, Equatable {
    /// Extension keywords, upper-cased (`STARTTLS`, `8BITMIME`, `SIZE`, …).
    var keywords: Set<String> = []
    /// SASL mechanisms from the `AUTH` line(s), upper-cased.
    var authMechanisms: Set<String> = []

    /// A HELO reply (no extensions) has none.
    static let none = SMTPCapabilities()

    /// Reads an EHLO reply: the first line is the server's greeting, each further line one
    /// extension. `AUTH=LOGIN` is the pre-standard spelling some servers still send as well.
    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            if keyword == "AUTH" {
                keywords.insert("AUTH")
                authMechanisms.formUnion(words.dropFirst())
            } else if keyword.hasPrefix("AUTH=") {
                keywords.insert("AUTH")
                authMechanisms.formUnion(keyword.dropFirst("AUTH=".count).split(separator: " ").map(String.init))
            } else {
                keywords.insert(keyword)
            }
        }
    }

    private init() {}

    var startTLS: Bool { keywords.contains("STARTTLS") }
    var eightBitMIME: Bool { keywords.contains("8BITMIME") }
}
