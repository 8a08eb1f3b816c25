/// One cell of a Tushare response's `items`: a string, a number, or null.
public enum TushareValue: Sendable, Equatable, Codable {
    case string(String)
    case number(Double)
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let flag = try? container.decode(Bool.self) {
            self = .number(flag ? 1 : 0)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string, a number or null")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .number(let n): try container.encode(n)
        case .null: try container.encodeNil()
        }
    }
}
