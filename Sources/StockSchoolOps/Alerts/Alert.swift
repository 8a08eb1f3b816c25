import Foundation

/// Where an alert is in its life: `pending` while its condition has held for less than the rule's
/// `for`, `firing` once it has held that long, `resolved` once the condition stopped holding.
public enum AlertStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case firing
    case resolved
}

/// One alert: a rule whose condition holds for one set of labels (a rule on sync lag fires once
/// per lagging dataset). The fingerprint identifies it across evaluations, which is what makes
/// deduplication and resolution possible.
public struct Alert: Sendable, Equatable, Codable {
    /// The rule's name, also the `alertname` label (`HighCPUUsage`).
    public var name: String
    public var level: OpsLevel
    /// `alertname`, `severity`, the rule's labels and the signal's own (`dataset`, `path`, …).
    public var labels: [String: String]
    public var summary: String
    public var description: String
    /// The observed value that crossed the threshold, when there is one.
    public var value: Double?
    public var status: AlertStatus
    public var startsAt: Date
    /// When it resolved; `nil` while pending or firing.
    public var endsAt: Date?

    public init(
        name: String, level: OpsLevel, labels: [String: String], summary: String, description: String = "",
        value: Double? = nil, status: AlertStatus, startsAt: Date, endsAt: Date? = nil
    ) {
        self.name = name
        self.level = level
        self.labels = labels
        self.summary = summary
        self.description = description
        self.value = value
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// A stable identity from the labels alone (sorted `name=value` pairs), as Alertmanager's
    /// fingerprint is: the same condition on the same thing is the same alert.
    public var fingerprint: String {
        Self.fingerprint(of: labels)
    }

    public static func fingerprint(of labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// What one channel is asked to deliver: the alerts of one group (same level), firing or just
/// resolved, sent together so a burst of related alerts is one message, not twenty.
public struct AlertNotification: Sendable, Equatable {
    /// The group's identity, e.g. `severity=critical`; Alertmanager's `groupKey`.
    public var groupKey: String
    public var level: OpsLevel
    /// `firing` when any alert in the group fires, else `resolved`.
    public var status: AlertStatus
    public var alerts: [Alert]
    /// Set by `stockschool alerts test`, so receivers can tell a drill from an incident.
    public var isTest: Bool
    /// Where a person can look further (the API's base URL); empty when unknown.
    public var externalURL: String

    public init(
        groupKey: String, level: OpsLevel, status: AlertStatus, alerts: [Alert], isTest: Bool = false,
        externalURL: String = ""
    ) {
        self.groupKey = groupKey
        self.level = level
        self.status = status
        self.alerts = alerts
        self.isTest = isTest
        self.externalURL = externalURL
    }

    /// One line for a subject or a chat message: `[CRITICAL] 2 firing: APIHighErrorRate, DependencyDown`.
    public var title: String {
        let names = Array(Set(alerts.map(\.name))).sorted().joined(separator: ", ")
        let count = alerts.filter { $0.status == status }.count
        let prefix = isTest ? "[TEST] " : ""
        return "\(prefix)[\(level.rawValue.uppercased())] \(count) \(status.rawValue): \(names)"
    }

    /// A plain-text body: one paragraph per alert with its summary, labels and times (UTC).
    public var text: String {
        var lines: [String] = [title, ""]
        for alert in alerts {
            lines.append("• \(alert.name) [\(alert.status.rawValue)] \(alert.summary)")
            if !alert.description.isEmpty { lines.append("  \(alert.description)") }
            let labels = alert.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("  labels: \(labels.joined(separator: " "))")
            var times = "  since \(Self.format(alert.startsAt))"
            if let end = alert.endsAt { times += ", resolved \(Self.format(end))" }
            lines.append(times)
        }
        if !externalURL.isEmpty { lines += ["", externalURL] }
        return lines.joined(separator: "\n")
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
