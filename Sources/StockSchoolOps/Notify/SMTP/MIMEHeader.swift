import Foundation

/// Header field text that survives every mail system: non-ASCII words in RFC 2047 encoded-words,
/// long lines folded, and dates in RFC 5322's fixed English format.
enum MIMEHeader {
    /// `Subject: …` (or any unstructured field), encoded when it is not plain ASCII.
    ///
    /// Line breaks inside the value become spaces: a raw CR or LF would end the header and let
    /// the rest of an alert's title pose as headers of its own.
    static func unstructured(name: String, value: String) -> String {
        let flat = value.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        if needsEncoding(flat) {
            return "\(name): " + encodedWords(flat).joined(separator: "\r\n ")
        }
        return fold("\(name): \(flat)")
    }

    /// An address for `From` or `To`; a display name that is not ASCII is encoded, the address
    /// itself never is (RFC 2047 §5 forbids it).
    static func address(_ address: String) -> String {
        guard let open = address.lastIndex(of: "<") else { return address }
        let name = address[..<open].trimmingCharacters(in: .whitespaces)
        let angle = address[open...]
        guard !name.isEmpty else { return String(angle) }
        if needsEncoding(name) { return encodedWords(name).joined(separator: " ") + " " + angle }
        return "\(name) \(angle)"
    }

    /// ASCII that could not be mistaken for an encoded-word, with no control characters, is sent
    /// as is; anything else is encoded.
    static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 >= 0x80 || $0 < 0x20 || $0 == 0x7F } || text.contains("=?")
    }

    /// `=?UTF-8?B?…?=` words, each holding whole UTF-8 characters: a character split across two
    /// words would not decode in some readers.
    static func encodedWords(_ text: String) -> [String] {
        // 36 bytes are 48 base64 characters, a 60-character word: within RFC 2047's 75, and with
        // `Subject: ` before it or a folding space, within the 76 it allows a line of them.
        let maximumBytes = 36
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk = []
        }
        for character in text {
            let bytes = Array(character.utf8)
            if chunk.count + bytes.count > maximumBytes { flush() }
            chunk += bytes
        }
        flush()
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// Folds an ASCII header line before spaces so that lines stay within 78 characters where
    /// possible (RFC 5322 §2.1.1); a word longer than that stays whole.
    static func fold(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var folded: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > 78 {
                folded.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        folded.append(current)
        return folded.joined(separator: "\r\n")
    }

    /// `Tue, 05 Mar 2024 10:00:00 +0000`: English names whatever the host's locale (RFC 5322 §3.3).
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = days[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(day), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
