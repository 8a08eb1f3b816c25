/// A rule's test of a signal against its threshold.
public enum AlertCondition: String, Sendable, Codable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case equal = "=="
    case notEqual = "!="

    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        guard !value.isNaN else { return false }
        switch self {
        case .greater: return value > threshold
        case .greaterOrEqual: return value >= threshold
        case .less: return value < threshold
        case .lessOrEqual: return value <= threshold
        case .equal: return value == threshold
        case .notEqual: return value != threshold
        }
    }
}
