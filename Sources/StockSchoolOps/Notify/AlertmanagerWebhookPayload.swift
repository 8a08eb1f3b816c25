import Foundation

/// The body Alertmanager's webhook receiver POSTs (`notify/webhook` in prometheus/alertmanager,
/// payload version 4), so receivers written for Alertmanager — chat bridges, incident tools,
/// ticketing hooks — take StockSchool's alerts without change.
public struct AlertmanagerWebhookPayload: Encodable, Sendable, Equatable {
    public var version = "4"
    public var groupKey: String
    /// How many alerts were left out because of the channel's `maxAlerts`.
    public var truncatedAlerts: Int
    /// `firing` or `resolved`.
    public var status: String
    public var receiver: String
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    public var alerts: [Item]

    public struct Item: Encodable, Sendable, Equatable {
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]
        /// RFC 3339 in UTC, as Go's `time.Time` encodes.
        public var startsAt: String
        /// `0001-01-01T00:00:00Z` (Go's zero time) while the alert has not resolved.
        public var endsAt: String
        public var generatorURL: String
        public var fingerprint: String
    }

    /// Go's zero `time.Time`, which Alertmanager sends as `endsAt` of an alert still firing.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// Builds the payload for one notification.
    ///
    /// Pending alerts are left out: Alertmanager only ever sees alerts that fire or resolve (a
    /// Prometheus rule keeps pending ones to itself), so its receivers would take one as firing.
    /// With `maxAlerts` > 0 at most that many alerts are included and `truncatedAlerts` counts
    /// the rest, as Alertmanager's `max_alerts` does.
    public init(notification: AlertNotification, receiver: String, maxAlerts: Int = 0) {
        let delivered = notification.alerts.filter { $0.status != .pending }
        let kept = maxAlerts > 0 ? Array(delivered.prefix(maxAlerts)) : delivered
        let items = kept.map { alert in
            Item(
                status: alert.status.rawValue, labels: alert.labels, annotations: Self.annotations(of: alert),
                startsAt: Self.timestamp(alert.startsAt),
                endsAt: alert.status == .resolved ? alert.endsAt.map(Self.timestamp) ?? Self.zeroTime : Self.zeroTime,
                generatorURL: notification.externalURL, fingerprint: Self.fingerprint(of: alert.labels))
        }
        self.groupKey = notification.groupKey
        self.truncatedAlerts = delivered.count - kept.count
        self.status = notification.status == .resolved ? "resolved" : "firing"
        self.receiver = receiver
        self.groupLabels = Self.labels(inGroupKey: notification.groupKey)
        self.commonLabels = Self.common(items.map(\.labels))
        self.commonAnnotations = Self.common(items.map(\.annotations))
        self.externalURL = notification.externalURL
        self.alerts = items
    }

    static func annotations(of alert: Alert) -> [String: String] {
        ["summary": alert.summary, "description": alert.description]
    }

    /// The pairs every map has with the same value: Alertmanager's `commonLabels`.
    static func common(_ maps: [[String: String]]) -> [String: String] {
        guard var shared = maps.first else { return [:] }
        for map in maps.dropFirst() {
            shared = shared.filter { map[$0.key] == $0.value }
        }
        return shared
    }

    /// The labels a `name=value,name=value` group key (what `Alert.fingerprint(of:)` writes)
    /// groups by; another form of key yields none rather than a guess.
    static func labels(inGroupKey key: String) -> [String: String] {
        var labels: [String: String] = [:]
        for pair in key.split(separator: ",") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { return [:] }
            labels[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return labels
    }

    /// Prometheus' label-set fingerprint (`model.LabelSet.Fingerprint` in prometheus/common):
    /// FNV-1a 64 over the labels sorted by name, each name and value followed by a 0xFF byte,
    /// printed as 16 hex digits. Receivers that deduplicate on it then see the same alert as one.
    public static func fingerprint(of labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        // Go sorts label names bytewise; so does comparing their UTF-8.
        for name in labels.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            name.utf8.forEach(add)
            add(0xFF)
            labels[name, default: ""].utf8.forEach(add)
            add(0xFF)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `2024-03-05T10:00:00.123Z`: RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
