/// A security's Tushare code: six digits, a dot and the exchange (`600000.SH`, `300750.SZ`,
/// `830799.BJ`).
///
/// Validation is strict because every table is keyed by it: a lower-case suffix or a five-digit
/// symbol would otherwise create a second, silently disjoint history for the same stock.
public struct TSCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// `600000.SH`. Kept whole (nine bytes fit Swift's inline small-string storage) because
    /// the store writes and compares the full code millions of times per load.
    public let description: String
    public let exchange: Exchange
    /// The code as one number ordered like the text (symbol × 3 + exchange in suffix order), so
    /// that sets, dictionaries and sorts of codes hash and compare integers, not strings.
    private let key: UInt32

    /// The six-digit symbol (`600000`).
    public var symbol: String { String(description.utf8.prefix(6)) ?? "" }

    public init(_ text: String) throws(StockSchoolError) {
        var number: UInt32 = 0
        var exchange: Exchange?
        var length = 0
        var valid = true
        var suffix: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch length {
            case 0..<6:
                if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") { valid = false }
                number = number &* 10 &+ UInt32(byte &- UInt8(ascii: "0"))
            case 6: if byte != UInt8(ascii: ".") { valid = false }
            case 7: suffix.0 = byte
            case 8: suffix.1 = byte
            default: valid = false
            }
            length += 1
        }
        switch suffix {
        case (UInt8(ascii: "S"), UInt8(ascii: "H")): exchange = .SH
        case (UInt8(ascii: "S"), UInt8(ascii: "Z")): exchange = .SZ
        case (UInt8(ascii: "B"), UInt8(ascii: "J")): exchange = .BJ
        default: exchange = nil
        }
        guard valid, length == 9, let exchange else { throw .invalidTSCode(text) }
        self.description = text
        self.exchange = exchange
        self.key = number * 3 + exchange.suffixOrder
    }

    /// A code written in source (`TSCode(literal: "000300.SH")`); an invalid literal is a
    /// programming error, caught the first time the code runs.
    public init(literal: StaticString) {
        do {
            try self.init(literal.description)
        } catch {
            preconditionFailure("invalid ts_code literal \(literal)")
        }
    }

    public init(symbol: String, exchange: Exchange) throws(StockSchoolError) {
        try self.init("\(symbol).\(exchange.rawValue)")
    }

    /// The listing board, from the symbol's prefix; `nil` for codes that are not A/B-share
    /// stocks (indices such as `000300.SH`, funds, bonds), which have no price-limit rule.
    public var board: Board? { Board(symbol: symbol, exchange: exchange) }

    public static func < (lhs: TSCode, rhs: TSCode) -> Bool { lhs.key < rhs.key }

    public static func == (lhs: TSCode, rhs: TSCode) -> Bool { lhs.key == rhs.key }

    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
