import Foundation
import StockSchoolOps

/// Notifications with known content for the channel tests.
enum NotificationFixtures {
    /// 2024-03-05T10:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_709_632_800)

    static let syncLag = Alert(
        name: "DataSyncLag", level: .critical,
        labels: ["alertname": "DataSyncLag", "severity": "critical", "dataset": "daily"],
        summary: "数据同步延迟 3 小时", description: "daily 最近一次同步在 07:00", value: 3, status: .firing,
        startsAt: start)

    static let errorRate = Alert(
        name: "APIHighErrorRate", level: .critical, labels: ["alertname": "APIHighErrorRate", "severity": "critical"],
        summary: "API 错误率 7%", value: 0.07, status: .firing, startsAt: start)

    /// `[CRITICAL] 2 firing: APIHighErrorRate, DataSyncLag`
    static let critical = AlertNotification(
        groupKey: "severity=critical", level: .critical, status: .firing, alerts: [syncLag, errorRate],
        externalURL: "http://stockschool.internal:8080")

    static func with(level: OpsLevel, status: AlertStatus) -> AlertNotification {
        var notification = critical
        notification.level = level
        notification.status = status
        notification.alerts = notification.alerts.map { alert in
            var alert = alert
            alert.status = status
            return alert
        }
        return notification
    }
}

/// Collects values from `@Sendable` callbacks.
final class Collected<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Value] = []

    func append(_ value: Value) { lock.withLock { items.append(value) } }
    var values: [Value] { lock.withLock { items } }
}
