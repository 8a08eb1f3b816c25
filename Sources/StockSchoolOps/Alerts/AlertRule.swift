import Foundation

/// One alert rule: when `signal` (with labels matching `match`) passes `threshold` for at least
/// `for`, an alert of `level` fires. `summary` and `description` may use `{{ value }}`,
/// `{{ threshold }}` and `{{ labels.<name> }}`.
public struct AlertRule: Sendable, Equatable {
    public var name: String
    public var signal: String
    public var condition: AlertCondition
    public var threshold: Double
    public var duration: Duration
    public var level: OpsLevel
    public var labels: [String: String]
    /// Only signals whose labels include these pairs.
    public var match: [String: String]
    public var summary: String
    public var description: String

    public init(
        name: String, signal: String, condition: AlertCondition, threshold: Double, for duration: Duration = .zero,
        level: OpsLevel, labels: [String: String] = [:], match: [String: String] = [:], summary: String,
        description: String = ""
    ) {
        self.name = name
        self.signal = signal
        self.condition = condition
        self.threshold = threshold
        self.duration = duration
        self.level = level
        self.labels = labels
        self.match = match
        self.summary = summary
        self.description = description
    }

    public func applies(to signal: Signal) -> Bool {
        signal.name == self.signal && match.allSatisfy { signal.labels[$0.key] == $0.value }
    }

    /// The alert's labels: `alertname`, `severity`, the rule's own, then the signal's.
    public func labels(for signal: Signal) -> [String: String] {
        var result = signal.labels
        result.merge(labels) { _, rule in rule }
        result["alertname"] = name
        result["severity"] = level.rawValue
        return result
    }

    /// Fills `{{ value }}`, `{{ threshold }}` and `{{ labels.x }}` in a template.
    public func render(_ template: String, value: Double, labels: [String: String]) -> String {
        var text = template
        let pattern = #"\{\{\s*([A-Za-z_.]+)\s*\}\}"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return template }
        let matches = regex.matches(in: template, range: NSRange(template.startIndex..., in: template)).reversed()
        for match in matches {
            guard let whole = Range(match.range, in: text), let nameRange = Range(match.range(at: 1), in: text) else {
                continue
            }
            let name = String(text[nameRange])
            let replacement: String
            switch name {
            case "value": replacement = Self.format(value)
            case "threshold": replacement = Self.format(threshold)
            default:
                replacement = name.hasPrefix("labels.") ? labels[String(name.dropFirst(7))] ?? "" : ""
            }
            text.replaceSubrange(whole, with: replacement)
        }
        return text
    }

    /// Whole numbers without a fraction, others with up to three decimals.
    static func format(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "∞" : "-∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3f", value).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }
}
