/// A JSON syntax check (RFC 8259) that reports where a document goes wrong.
///
/// Core does no I/O and imports no Foundation, yet configuration must reject a webhook body
/// template that would not be JSON before any alert is sent; this small recursive-descent check
/// does that and names the line and column, which `JSONSerialization`'s messages do not.
public enum JSONSyntax {
    /// What is wrong and where, 1-based.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let column: Int
        public let reason: String

        public var description: String { "\(reason) at line \(line), column \(column)" }
    }

    /// Throws the first problem found in `text`, or returns when it is one valid JSON value.
    public static func check(_ text: String) throws(Problem) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.skipWhitespace()
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        if !scanner.atEnd { throw scanner.problem("unexpected \(scanner.describeCurrent()) after the JSON value") }
    }

    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    static let maximumDepth = 512

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[index] }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of text" }
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16))"
        }

        func problem(_ reason: String) -> Problem {
            var line = 1
            var column = 1
            for byte in bytes[..<min(index, bytes.count)] {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    // Count characters, not UTF-8 continuation bytes, so columns match an editor's.
                    column += 1
                }
            }
            return Problem(line: line, column: column, reason: reason)
        }

        mutating func value(depth: Int) throws(Problem) {
            guard depth < JSONSyntax.maximumDepth else {
                throw problem("nesting deeper than \(JSONSyntax.maximumDepth)")
            }
            guard let byte = current else { throw problem("expected a value, found end of text") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw problem("expected a value, found \(describeCurrent())")
            }
        }

        mutating func object(depth: Int) throws(Problem) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                guard current == UInt8(ascii: "\"") else {
                    throw problem("expected a quoted member name, found \(describeCurrent())")
                }
                try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else {
                    throw problem("expected ':' after a member name, found \(describeCurrent())")
                }
                index += 1
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "}"):
                    index += 1
                    return
                default: throw problem("expected ',' or '}' in an object, found \(describeCurrent())")
                }
            }
        }

        mutating func array(depth: Int) throws(Problem) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case UInt8(ascii: "]"):
                    index += 1
                    return
                default: throw problem("expected ',' or ']' in an array, found \(describeCurrent())")
                }
            }
        }

        mutating func string() throws(Problem) {
            index += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    try escape()
                case ..<0x20:
                    throw problem(
                        "unescaped control character (\(describeCurrent())) in a string; write \\n, \\t or \\u00XX")
                default:
                    index += 1
                }
            }
            throw problem("unterminated string")
        }

        mutating func escape() throws(Problem) {
            guard let byte = current else { throw problem("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 1
            case UInt8(ascii: "u"):
                index += 1
                for _ in 0..<4 {
                    guard let digit = current, Self.isHexDigit(digit) else {
                        throw problem("expected four hex digits after \\u, found \(describeCurrent())")
                    }
                    index += 1
                }
            default:
                throw problem("invalid escape \\\(Character(Unicode.Scalar(byte)))")
            }
        }

        mutating func number() throws(Problem) {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, Self.isDigit(first) else {
                throw problem("expected a digit in a number, found \(describeCurrent())")
            }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if current == UInt8(ascii: ".") {
                index += 1
                try requireDigit(after: "'.'")
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                try requireDigit(after: "an exponent")
            }
        }

        mutating func requireDigit(after what: String) throws(Problem) {
            guard let digit = current, Self.isDigit(digit) else {
                throw problem("expected a digit after \(what), found \(describeCurrent())")
            }
            skipDigits()
        }

        mutating func skipDigits() {
            while let byte = current, Self.isDigit(byte) { index += 1 }
        }

        mutating func literal(_ word: String) throws(Problem) {
            for expected in word.utf8 {
                guard current == expected else { throw problem("expected '\(word)', found \(describeCurrent())") }
                index += 1
            }
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
        }
    }
}
