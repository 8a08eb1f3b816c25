/// A node's computed value: a constant, or one `Double` per panel cell (stock-major).
enum NodeValue: Sendable {
    case scalar(Double)
    case array([Double])

    func materialized(count: Int) -> [Double] {
        switch self {
        case .scalar(let value): [Double](repeating: value, count: count)
        case .array(let values): values
        }
    }
}
