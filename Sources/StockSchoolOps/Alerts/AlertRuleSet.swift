import Foundation
import Yams

/// The alert rules and how their notifications are routed and repeated: the contents of an
/// alert rules file (`alerts.rules_file`), or the defaults StockSchool ships with the manual's
/// thresholds (`AlertRuleSet.defaultYAML`, printed by `stockschool alerts rules`).
public struct AlertRuleSet: Sendable, Equatable {
    public var rules: [AlertRule]
    /// Channels per level; `page` lists the extra channels for alerts labelled `page=phone`.
    public var routes: [String: [String]]
    public var repeatIntervals: [OpsLevel: Duration]

    /// The manual's routing: email for every level, Slack for critical and warning, SMS for
    /// critical, phone when the system is completely down.
    public static let defaultRoutes: [String: [String]] = [
        "critical": ["email", "slack", "sms"], "warning": ["email", "slack"], "info": ["email"], "page": ["phone"],
    ]
    public static let defaultRepeat: [OpsLevel: Duration] = [
        .critical: .seconds(1800), .warning: .seconds(7200), .info: .seconds(43_200),
    ]
    public static let channelNames: Set<String> = ["email", "slack", "sms", "phone", "webhook"]

    public init(
        rules: [AlertRule], routes: [String: [String]] = defaultRoutes,
        repeatIntervals: [OpsLevel: Duration] = defaultRepeat
    ) {
        self.rules = rules
        self.routes = routes
        self.repeatIntervals = repeatIntervals
    }

    /// The channels an alert goes to: its level's, plus the `page` channels when it is labelled
    /// `page=phone`.
    public func channels(for alert: Alert) -> [String] {
        var names = routes[alert.level.rawValue] ?? []
        if alert.labels["page"] == "phone" { names += routes["page"] ?? [] }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    public func repeatInterval(_ level: OpsLevel) -> Duration {
        repeatIntervals[level] ?? Self.defaultRepeat[level] ?? .seconds(3600)
    }

    public static func defaults() -> AlertRuleSet {
        do {
            return try parse(defaultYAML, fileName: "(built-in rules)")
        } catch {
            preconditionFailure("the built-in alert rules do not parse: \(error)")
        }
    }

    /// Loads a rules file; errors name the file, the line and what is wrong.
    public static func load(path: String) throws -> AlertRuleSet {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AlertRuleError(location: path, reason: "cannot read the file")
        }
        return try parse(text, fileName: path)
    }

    public static func parse(_ yaml: String, fileName: String) throws -> AlertRuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw AlertRuleError(location: fileName, reason: "not valid YAML: \(error)")
        }
        guard let mapping = root?.mapping else {
            throw AlertRuleError(
                location: fileName,
                reason: "expected a mapping with `rules:` (and optionally `routes:`, `repeat_interval:`)")
        }
        func at(_ node: Node) -> String { "\(fileName) line \((node.mark?.line ?? 0))" }
        for (key, value) in mapping where !["rules", "routes", "repeat_interval"].contains(key.string ?? "") {
            throw AlertRuleError(
                location: at(value),
                reason: "unknown key '\(key.string ?? "?")'; expected rules, routes, repeat_interval")
        }
        var set = AlertRuleSet(rules: [])
        if let routes = mapping["routes"] {
            guard let routeMap = routes.mapping else {
                throw AlertRuleError(location: at(routes), reason: "routes must map a level to a list of channels")
            }
            for (key, value) in routeMap {
                let level = key.string ?? ""
                guard ["critical", "warning", "info", "page"].contains(level) else {
                    throw AlertRuleError(
                        location: at(key),
                        reason: "routes: unknown level '\(level)'; expected critical, warning, info, page")
                }
                guard let list = value.sequence?.compactMap(\.string) else {
                    throw AlertRuleError(location: at(value), reason: "routes.\(level) must be a list of channels")
                }
                for name in list where !channelNames.contains(name) {
                    throw AlertRuleError(
                        location: at(value),
                        reason:
                            "routes.\(level): unknown channel '\(name)'; expected one of \(channelNames.sorted().joined(separator: ", "))"
                    )
                }
                set.routes[level] = list
            }
        }
        if let repeats = mapping["repeat_interval"] {
            guard let repeatMap = repeats.mapping else {
                throw AlertRuleError(location: at(repeats), reason: "repeat_interval must map a level to a duration")
            }
            for (key, value) in repeatMap {
                guard let level = OpsLevel(rawValue: key.string ?? ""), level != .ok else {
                    throw AlertRuleError(
                        location: at(key), reason: "repeat_interval: unknown level '\(key.string ?? "")'")
                }
                guard let text = value.string, let duration = AlertDuration.parse(text), duration > .zero else {
                    throw AlertRuleError(
                        location: at(value),
                        reason:
                            "repeat_interval.\(level.rawValue): expected a duration like 30m or 2h, got '\(value.string ?? "")'"
                    )
                }
                set.repeatIntervals[level] = duration
            }
        }
        guard let rules = mapping["rules"]?.sequence else {
            throw AlertRuleError(location: fileName, reason: "`rules:` must be a list of rules")
        }
        var names = Set<String>()
        for node in rules {
            let rule = try parseRule(node, at: at)
            guard names.insert(rule.name + "\u{0}" + AlertRule.matchKey(rule.match)).inserted else {
                throw AlertRuleError(location: at(node), reason: "rule '\(rule.name)' is defined twice")
            }
            set.rules.append(rule)
        }
        return set
    }

    static func parseRule(_ node: Node, at: (Node) -> String) throws -> AlertRule {
        guard let map = node.mapping else {
            throw AlertRuleError(location: at(node), reason: "each rule must be a mapping")
        }
        let allowed = [
            "alert", "signal", "condition", "threshold", "for", "level", "labels", "match", "summary", "description",
        ]
        for (key, _) in map where !allowed.contains(key.string ?? "") {
            throw AlertRuleError(
                location: at(key),
                reason: "unknown rule key '\(key.string ?? "?")'; expected \(allowed.joined(separator: ", "))")
        }
        func text(_ key: String, required: Bool = true) throws -> String? {
            guard let value = map[key] else {
                if required { throw AlertRuleError(location: at(node), reason: "rule is missing `\(key)`") }
                return nil
            }
            guard let string = value.string else {
                throw AlertRuleError(location: at(value), reason: "`\(key)` must be a single value")
            }
            return string
        }
        let name = try text("alert") ?? ""
        guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
            throw AlertRuleError(
                location: at(node), reason: "alert name '\(name)' must be letters, digits and _ (like HighCPUUsage)")
        }
        let where_ = "rule \(name)"
        let signal = try text("signal") ?? ""
        guard Signal.known[signal] != nil else {
            throw AlertRuleError(
                location: at(node),
                reason:
                    "\(where_): unknown signal '\(signal)'; known: \(Signal.known.keys.sorted().joined(separator: ", "))"
            )
        }
        let conditionText = try text("condition") ?? ""
        guard let condition = AlertCondition(rawValue: conditionText) else {
            throw AlertRuleError(
                location: at(node),
                reason: "\(where_): condition must be one of > >= < <= == !=, got '\(conditionText)'")
        }
        let thresholdText = try text("threshold") ?? ""
        guard let threshold = Double(thresholdText), threshold.isFinite else {
            throw AlertRuleError(
                location: at(node), reason: "\(where_): threshold must be a number, got '\(thresholdText)'")
        }
        let forText = try text("for", required: false) ?? "0s"
        guard let duration = AlertDuration.parse(forText) else {
            throw AlertRuleError(
                location: at(node), reason: "\(where_): `for` must be a duration like 5m, got '\(forText)'")
        }
        let levelText = try text("level") ?? ""
        guard let level = OpsLevel(rawValue: levelText), level != .ok else {
            throw AlertRuleError(
                location: at(node), reason: "\(where_): level must be critical, warning or info, got '\(levelText)'")
        }
        func pairs(_ key: String) throws -> [String: String] {
            guard let value = map[key] else { return [:] }
            guard let entries = value.mapping else {
                throw AlertRuleError(location: at(value), reason: "\(where_): `\(key)` must map names to values")
            }
            var result: [String: String] = [:]
            for (k, v) in entries {
                guard let k = k.string, let v = v.string else {
                    throw AlertRuleError(
                        location: at(value), reason: "\(where_): `\(key)` values must be single values")
                }
                result[k] = v
            }
            return result
        }
        let labels = try pairs("labels")
        for reserved in ["alertname", "severity"] where labels[reserved] != nil {
            throw AlertRuleError(
                location: at(node), reason: "\(where_): label '\(reserved)' is set from the rule; remove it")
        }
        return AlertRule(
            name: name, signal: signal, condition: condition, threshold: threshold, for: duration, level: level,
            labels: labels, match: try pairs("match"), summary: try text("summary") ?? "",
            description: try text("description", required: false) ?? "")
    }
}

extension AlertRule {
    static func matchKey(_ match: [String: String]) -> String {
        match.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// A rules file that cannot be used, with where and why.
public struct AlertRuleError: Error, CustomStringConvertible, Equatable {
    public let location: String
    public let reason: String

    public var description: String { "\(location): \(reason)" }
}
