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

    /// The six-digit symbol (`600000`).
    public var symbol: String { String(description.utf8.prefix(6)) ?? "" }

    public init(_ text: String) throws(StockSchoolError) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 9, utf8[6] == UInt8(ascii: ".") else {
            throw .invalidTSCode(text)
        }
        for byte in utf8[0..<6] where byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
            throw .invalidTSCode(text)
        }
        guard let exchange = Exchange(rawValue: String(decoding: utf8[7...], as: UTF8.self)) else {
            throw .invalidTSCode(text)
        }
        self.description = text
        self.exchange = exchange
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

    public static func < (lhs: TSCode, rhs: TSCode) -> Bool {
        lhs.description < rhs.description
    }

    public static func == (lhs: TSCode, rhs: TSCode) -> Bool { lhs.description == rhs.description }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
