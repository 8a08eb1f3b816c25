import Foundation
import StockSchoolOps
import StockSchoolTestSupport
import Testing

/// The Alertmanager webhook payload (version 4) as a receiver parses it.
@Suite struct AlertmanagerWebhookChannelTests {
    @Test func payloadHasAlertmanagersFieldsAndValues() async throws {
        var notification = NotificationFixtures.critical
        var resolved = NotificationFixtures.errorRate
        resolved.status = .resolved
        resolved.endsAt = NotificationFixtures.start.addingTimeInterval(5400)
        var pending = NotificationFixtures.errorRate
        pending.status = .pending
        pending.labels["path"] = "/api/v1/stocks"
        notification.alerts = [NotificationFixtures.syncLag, resolved, pending]

        try await HTTPSink.with { sink in
            try await AlertmanagerWebhookChannel(url: sink.url("/alerts")).send(notification)
            let request = try #require(sink.requests.first)
            #expect(request.method == "POST" && request.path == "/alerts")
            let json = try request.jsonObject()

            #expect(
                Set(json.keys) == [
                    "version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                    "commonAnnotations", "externalURL", "alerts",
                ])
            #expect(json["version"] as? String == "4")
            #expect(json["groupKey"] as? String == "severity=critical")
            #expect(json["truncatedAlerts"] as? Int == 0)
            #expect(json["status"] as? String == "firing")
            #expect(json["receiver"] as? String == "stockschool")
            #expect(json["groupLabels"] as? [String: String] == ["severity": "critical"])
            #expect(json["commonLabels"] as? [String: String] == ["severity": "critical"])
            #expect(json["commonAnnotations"] as? [String: String] == [:])
            #expect(json["externalURL"] as? String == "http://stockschool.internal:8080")

            // The pending alert is not Alertmanager's business.
            let alerts = try #require(json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 2)
            let firing = alerts[0]
            #expect(
                Set(firing.keys) == [
                    "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint",
                ])
            #expect(firing["status"] as? String == "firing")
            #expect(
                firing["labels"] as? [String: String]
                    == ["alertname": "DataSyncLag", "severity": "critical", "dataset": "daily"])
            #expect(
                firing["annotations"] as? [String: String]
                    == ["summary": "数据同步延迟 3 小时", "description": "daily 最近一次同步在 07:00"])
            #expect(firing["startsAt"] as? String == "2024-03-05T10:00:00.000Z")
            #expect(firing["endsAt"] as? String == "0001-01-01T00:00:00Z")
            #expect(firing["generatorURL"] as? String == "http://stockschool.internal:8080")
            // FNV-1a 64 of the sorted labels, computed separately (Python) the way prometheus/common does.
            #expect(firing["fingerprint"] as? String == "7f7ddac1c7bac900")

            let closed = alerts[1]
            #expect(closed["status"] as? String == "resolved")
            #expect(closed["endsAt"] as? String == "2024-03-05T11:30:00.000Z")
            #expect(closed["fingerprint"] as? String == "f5b6e62eff0e13a6")
        }
    }

    @Test func fingerprintMatchesPrometheusCommon() {
        // prometheus/common model tests: labelSetToFingerprint of this set is 5799056148416392346.
        let labels = ["name": "garland, briggs", "fear": "love is not enough"]
        #expect(AlertmanagerWebhookPayload.fingerprint(of: labels) == String(5_799_056_148_416_392_346, radix: 16))
        #expect(AlertmanagerWebhookPayload.fingerprint(of: [:]) == "cbf29ce484222325")
    }

    @Test func maxAlertsTruncatesAndCounts() {
        let payload = AlertmanagerWebhookChannel(url: "http://127.0.0.1:9/", maxAlerts: 1)
            .payload(for: NotificationFixtures.critical)
        #expect(payload.alerts.count == 1)
        #expect(payload.truncatedAlerts == 1)
    }

    @Test func resolvedGroupIsResolved() {
        let payload = AlertmanagerWebhookPayload(
            notification: NotificationFixtures.with(level: .critical, status: .resolved), receiver: "r")
        #expect(payload.status == "resolved")
        #expect(payload.alerts.allSatisfy { $0.status == "resolved" })
    }
}
