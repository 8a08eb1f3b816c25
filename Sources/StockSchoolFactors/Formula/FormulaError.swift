/// A formula that cannot be parsed: what is wrong and where (1-based character position).
public struct FormulaError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// 1-based position of the offending character in the formula.
    public let position: Int

    public init(_ message: String, at position: Int) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(message) at \(position)" }
}
