import Foundation
import Logging
import StockSchoolCore
import StockSchoolStore

/// Evaluates the rules against measured signals, keeps each alert's life in the store, and
/// sends what is due: new firing alerts, repeats once a level's repeat interval has passed, and
/// resolved notices for alerts that were sent. Alerts are grouped per channel and level, so a
/// burst of warnings is one email, not twenty.
///
/// The store holds all state, so a one-shot `stockschool alerts check` (run by cron) and an
/// engine inside `serve` or `worker` behave alike, and several of them may run at once: each
/// transition is claimed in the store by exactly one evaluator (see `AlertStore`).
public struct AlertEngine: Sendable {
    public var rules: AlertRuleSet
    public var store: AlertStore
    public var dispatcher: AlertDispatcher
    public var metrics: AlertMetrics { dispatcher.metrics }
    public var externalURL: String

    public init(
        rules: AlertRuleSet, store: AlertStore, channels: [String: any AlertChannel],
        metrics: AlertMetrics = AlertMetrics(),
        externalURL: String = "", logger: Logger = Logger(label: "stockschool.alerts")
    ) {
        self.rules = rules
        self.store = store
        self.dispatcher = AlertDispatcher(channels: channels, metrics: metrics, logger: logger)
        self.externalURL = externalURL
    }

    /// What one evaluation did.
    public struct Outcome: Sendable {
        public var firing: [Alert] = []
        public var pending: [Alert] = []
        /// Alerts that resolved in this evaluation.
        public var resolved: [Alert] = []
        /// Firing alerts held back by a silence.
        public var silenced: [Alert] = []
        public var deliveries: [AlertDispatcher.Delivery] = []
    }

    public func evaluate(_ signals: [Signal], at now: Timestamp = .now) async throws -> Outcome {
        var outcome = Outcome()
        let active = Dictionary(try await store.active().map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        let silences = try await store.silences(activeAt: now)
        var held = Set<String>()
        var toSend: [Alert] = []

        for rule in rules.rules {
            for signal in signals where rule.applies(to: signal) && rule.condition.holds(signal.value, rule.threshold) {
                let labels = rule.labels(for: signal)
                let fingerprint = Alert.fingerprint(of: labels)
                guard held.insert(fingerprint).inserted else { continue }
                let summary = rule.render(rule.summary, value: signal.value, labels: labels)
                let description = rule.render(rule.description, value: signal.value, labels: labels)
                var record = active[fingerprint]
                if record == nil {
                    let fires = rule.duration == .zero
                    let alert = Alert(
                        name: rule.name, level: rule.level, labels: labels, summary: summary, description: description,
                        value: signal.value, status: fires ? .firing : .pending, startsAt: now.date)
                    guard let id = try await store.insert(alert, at: now) else { continue }
                    record = AlertRecord(
                        id: id, alert: alert, updatedAt: now, lastNotifiedAt: nil, notifications: 0, silenced: false)
                } else {
                    try await store.touch(id: record?.id ?? 0, value: signal.value, summary: summary, at: now)
                    record?.alert.value = signal.value
                    record?.alert.summary = summary
                }
                guard var current = record else { continue }
                if current.alert.status == .pending {
                    let heldFor = now.secondsSinceEpoch - current.alert.startsAt.timeIntervalSince1970
                    if heldFor >= rule.duration.seconds, try await store.fire(id: current.id, at: now) {
                        current.alert.status = .firing
                    }
                }
                guard current.alert.status == .firing else {
                    outcome.pending.append(current.alert)
                    continue
                }
                outcome.firing.append(current.alert)
                if silences.contains(where: { $0.matches(current.alert.labels) }) {
                    outcome.silenced.append(current.alert)
                    if !current.silenced { try await store.markSilenced(id: current.id, true) }
                    continue
                }
                let due =
                    current.lastNotifiedAt.map {
                        now.secondsSinceEpoch - $0.secondsSinceEpoch >= rules.repeatInterval(rule.level).seconds
                    } ?? true
                if due, try await store.claimNotification(id: current.id, seen: current.notifications, at: now) {
                    toSend.append(current.alert)
                }
            }
        }

        for (fingerprint, record) in active where !held.contains(fingerprint) {
            if record.alert.status == .pending {
                try await store.discardPending(id: record.id)
            } else if try await store.resolve(id: record.id, at: now) {
                var alert = record.alert
                alert.status = .resolved
                alert.endsAt = now.date
                outcome.resolved.append(alert)
                // Nobody was told it fired (silenced throughout), so nobody needs telling it ended.
                if record.notifications > 0 { toSend.append(alert) }
            }
        }

        metrics.evaluated(firing: outcome.firing, at: now.secondsSinceEpoch)
        outcome.deliveries = await deliver(toSend)
        return outcome
    }

    /// Groups alerts per channel and level and sends the groups concurrently.
    func deliver(_ alerts: [Alert]) async -> [AlertDispatcher.Delivery] {
        var groups: [String: [OpsLevel: [Alert]]] = [:]
        for alert in alerts {
            for channel in rules.channels(for: alert) {
                groups[channel, default: [:]][alert.level, default: []].append(alert)
            }
        }
        var planned: [(String, AlertNotification)] = []
        for (channel, byLevel) in groups.sorted(by: { $0.key < $1.key }) {
            for (level, members) in byLevel.sorted(by: { $0.key > $1.key }) {
                let status: AlertStatus = members.contains { $0.status == .firing } ? .firing : .resolved
                planned.append(
                    (
                        channel,
                        AlertNotification(
                            groupKey: "severity=\(level.rawValue)", level: level, status: status,
                            alerts: members.sorted { ($0.name, $0.fingerprint) < ($1.name, $1.fingerprint) },
                            externalURL: externalURL)
                    ))
            }
        }
        return await dispatcher.send(planned)
    }

}
