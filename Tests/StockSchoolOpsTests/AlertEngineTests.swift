import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolTestSupport
import Synchronization
import Testing

/// Records what reaches it: the receiving end of a channel, standing in for a mailbox here so
/// the engine's timing can be checked at exact times. Delivery through real SMTP and HTTP is
/// covered by AlertRoutingTests.
final class Inbox: AlertChannel {
    let name: String
    private let received = Mutex<[AlertNotification]>([])

    init(_ name: String) { self.name = name }

    func send(_ notification: AlertNotification) async throws {
        received.withLock { $0.append(notification) }
    }

    var notifications: [AlertNotification] { received.withLock { $0 } }
}

@Suite struct AlertEngineTests {
    static let start = Timestamp(secondsSinceEpoch: 1_795_000_000)

    static func at(_ seconds: Double) -> Timestamp {
        Timestamp(secondsSinceEpoch: start.secondsSinceEpoch + seconds)
    }

    static let rules = AlertRuleSet(
        rules: [
            AlertRule(
                name: "HighCPUUsage", signal: "cpu_usage_percent", condition: .greater, threshold: 80,
                for: .seconds(300), level: .warning, labels: ["team": "ops"],
                summary: "CPU usage {{ value }}% is over {{ threshold }}%"),
            AlertRule(
                name: "SyncDelayed", signal: "sync_delay_hours", condition: .greater, threshold: 2, for: .zero,
                level: .warning, summary: "{{ labels.dataset }} is {{ value }} h behind"),
        ],
        routes: ["warning": ["email"], "critical": ["email"], "info": ["email"]],
        repeatIntervals: [.warning: .seconds(7200), .critical: .seconds(1800), .info: .seconds(43_200)])

    @Test(arguments: TestBackend.available)
    func firesOnlyAfterItsForDurationAndThenResolves(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let engine = AlertEngine(rules: Self.rules, store: AlertStore(store), channels: ["email": inbox])
            let hot = [Signal("cpu_usage_percent", 93.5)]

            let first = try await engine.evaluate(hot, at: Self.at(0))
            #expect(first.pending.map(\.name) == ["HighCPUUsage"] && first.firing.isEmpty)
            // 299 s in: still under the 5-minute `for`.
            let early = try await engine.evaluate(hot, at: Self.at(299))
            #expect(early.pending.count == 1 && early.firing.isEmpty && inbox.notifications.isEmpty)
            let due = try await engine.evaluate(hot, at: Self.at(300))
            #expect(due.firing.map(\.name) == ["HighCPUUsage"])
            #expect(inbox.notifications.count == 1)
            let sent = try #require(inbox.notifications.first)
            #expect(sent.status == .firing && sent.level == .warning)
            #expect(sent.alerts.first?.summary == "CPU usage 93.5% is over 80%")
            #expect(sent.alerts.first?.labels == ["alertname": "HighCPUUsage", "severity": "warning", "team": "ops"])

            // Deduplicated: still firing a minute later, nothing new is sent and no second row.
            _ = try await engine.evaluate(hot, at: Self.at(360))
            #expect(inbox.notifications.count == 1)
            #expect(try await AlertStore(store).recent(limit: 10).count == 1)

            // Back under the threshold: resolved, and the resolved notice goes out.
            let calm = try await engine.evaluate([Signal("cpu_usage_percent", 40)], at: Self.at(420))
            #expect(calm.resolved.map(\.name) == ["HighCPUUsage"])
            #expect(inbox.notifications.count == 2)
            #expect(inbox.notifications.last?.status == .resolved)
            let history = try await AlertStore(store).recent(limit: 10)
            #expect(history.count == 1 && history[0].alert.status == .resolved)
            #expect(history[0].alert.endsAt == Self.at(420).date)
        }
    }

    @Test(arguments: TestBackend.available)
    func aConditionThatClearsBeforeItsForNeverFires(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let engine = AlertEngine(rules: Self.rules, store: AlertStore(store), channels: ["email": inbox])
            _ = try await engine.evaluate([Signal("cpu_usage_percent", 90)], at: Self.at(0))
            let cleared = try await engine.evaluate([Signal("cpu_usage_percent", 50)], at: Self.at(120))
            #expect(cleared.resolved.isEmpty && inbox.notifications.isEmpty)
            #expect(try await AlertStore(store).recent(limit: 10).isEmpty)
            // It starts over: the next breach waits the full 5 minutes again.
            _ = try await engine.evaluate([Signal("cpu_usage_percent", 90)], at: Self.at(180))
            let notYet = try await engine.evaluate([Signal("cpu_usage_percent", 90)], at: Self.at(420))
            #expect(notYet.firing.isEmpty)
            #expect(try await engine.evaluate([Signal("cpu_usage_percent", 90)], at: Self.at(480)).firing.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func repeatsAfterTheLevelsIntervalAndGroupsOneMessagePerLevel(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let engine = AlertEngine(rules: Self.rules, store: AlertStore(store), channels: ["email": inbox])
            let lagging = [
                Signal("sync_delay_hours", 3, labels: ["dataset": "daily"]),
                Signal("sync_delay_hours", 5.25, labels: ["dataset": "daily_basic"]),
                Signal("sync_delay_hours", 1, labels: ["dataset": "adj_factor"]),
            ]
            let first = try await engine.evaluate(lagging, at: Self.at(0))
            #expect(first.firing.count == 2)
            // Two alerts of one level: one message holding both.
            #expect(inbox.notifications.count == 1)
            let message = try #require(inbox.notifications.first)
            #expect(message.alerts.map { $0.labels["dataset"] } == ["daily", "daily_basic"])
            #expect(message.title == "[WARNING] 2 firing: SyncDelayed")
            #expect(message.alerts.map(\.summary) == ["daily is 3 h behind", "daily_basic is 5.25 h behind"])
            _ = try await engine.evaluate(lagging, at: Self.at(7199))
            #expect(inbox.notifications.count == 1)
            _ = try await engine.evaluate(lagging, at: Self.at(7200))
            #expect(inbox.notifications.count == 2 && inbox.notifications[1].alerts.count == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func silencesHoldNotificationsUntilTheyEnd(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let alerts = AlertStore(store)
            let engine = AlertEngine(rules: Self.rules, store: alerts, channels: ["email": inbox])
            let silence = try await alerts.addSilence(
                matchers: ["alertname": "SyncDelayed", "dataset": "daily"], from: Self.at(0), until: Self.at(3600),
                createdBy: "test", comment: "maintenance")
            let signals = [
                Signal("sync_delay_hours", 3, labels: ["dataset": "daily"]),
                Signal("sync_delay_hours", 4, labels: ["dataset": "index_daily"]),
            ]
            let during = try await engine.evaluate(signals, at: Self.at(10))
            #expect(during.firing.count == 2 && during.silenced.map { $0.labels["dataset"] } == ["daily"])
            #expect(inbox.notifications.count == 1)
            #expect(inbox.notifications[0].alerts.map { $0.labels["dataset"] } == ["index_daily"])
            let listed = try await alerts.recent(limit: 10)
            #expect(listed.first { $0.alert.labels["dataset"] == "daily" }?.silenced == true)

            // The silence ends while the alert still fires: it is sent at the next evaluation.
            _ = try await engine.evaluate(signals, at: Self.at(3600))
            #expect(inbox.notifications.count == 2)
            #expect(inbox.notifications[1].alerts.map { $0.labels["dataset"] } == ["daily"])
            #expect(try await alerts.expireSilence(id: silence.id, at: Self.at(3700)) == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAlertSilencedThroughoutResolvesWithoutANotice(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let alerts = AlertStore(store)
            let engine = AlertEngine(rules: Self.rules, store: alerts, channels: ["email": inbox])
            _ = try await alerts.addSilence(
                matchers: ["alertname": "SyncDelayed"], from: Self.at(0), until: Self.at(3600), createdBy: "t",
                comment: "")
            _ = try await engine.evaluate([Signal("sync_delay_hours", 3, labels: ["dataset": "daily"])], at: Self.at(1))
            let resolved = try await engine.evaluate([], at: Self.at(60))
            #expect(resolved.resolved.count == 1 && inbox.notifications.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func twoEvaluatorsAtOnceRaiseOneAlertAndSendOnce(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let inbox = Inbox("email")
            let signals = [Signal("sync_delay_hours", 9, labels: ["dataset": "daily"])]
            let engines = (0..<4).map { _ in
                AlertEngine(rules: Self.rules, store: AlertStore(store), channels: ["email": inbox])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for engine in engines { group.addTask { _ = try await engine.evaluate(signals, at: Self.at(0)) } }
                try await group.waitForAll()
            }
            #expect(try await AlertStore(store).recent(limit: 10).count == 1)
            #expect(inbox.notifications.count == 1)
        }
    }
}
