import Foundation
import StockSchoolCore

/// A silence: alerts whose labels match every matcher are not notified until it ends. They are
/// still evaluated and recorded (so `alerts list` shows them), only not sent.
public struct Silence: Sendable, Equatable {
    public var id: Int64
    /// Exact label values (`alertname=HighCPUUsage`, `dataset=daily`).
    public var matchers: [String: String]
    public var startsAt: Timestamp
    public var endsAt: Timestamp
    public var createdBy: String
    public var comment: String

    public init(
        id: Int64, matchers: [String: String], startsAt: Timestamp, endsAt: Timestamp, createdBy: String,
        comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    public func matches(_ labels: [String: String]) -> Bool {
        matchers.allSatisfy { labels[$0.key] == $0.value }
    }

    public func isActive(at time: Timestamp) -> Bool { startsAt <= time && time < endsAt }

    /// Parses `name=value` matchers as `--match` takes them.
    public static func parseMatchers(_ texts: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for text in texts {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw StockSchoolError.invalidArgument(
                    name: "--match", reason: "expected label=value (like alertname=HighCPUUsage), got '\(text)'")
            }
            let name = String(text[..<equals])
            guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw StockSchoolError.invalidArgument(name: "--match", reason: "'\(name)' is not a label name")
            }
            guard result[name] == nil else {
                throw StockSchoolError.invalidArgument(name: "--match", reason: "label '\(name)' is matched twice")
            }
            result[name] = String(text[text.index(after: equals)...])
        }
        guard !result.isEmpty else {
            throw StockSchoolError.invalidArgument(
                name: "--match", reason: "give at least one label=value, or a silence would mute every alert")
        }
        return result
    }
}
