import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// The manual's routing, end to end through real sockets: the built-in rules fire, and email
/// goes out over SMTP to a local SMTP server, Slack and the SMS and voice gateways over HTTP to
/// local HTTP servers; each records what it received.
@Suite struct AlertRoutingTests {
    static let start = Timestamp(secondsSinceEpoch: 1_795_000_000)

    @Test func criticalToEmailSlackAndSMSWarningToEmailAndSlackInfoToEmail() async throws {
        try await SMTPSink.with { smtp in
            try await HTTPSink.with { http in
                let yaml = """
                    alerts:
                      email:
                        smtp_host: 127.0.0.1
                        smtp_port: \(smtp.port)
                        tls: none
                        from: stockschool@example.com
                        to: ops@example.com, lead@example.com
                      slack:
                        webhook_url: \(http.url("/slack"))
                      sms:
                        url: \(http.url("/sms"))
                        auth_header: "Authorization: Bearer sms-token"
                        template: '{"to": "+8613800000000", "text": "{{title}}"}'
                      phone:
                        url: \(http.url("/phone"))
                    """
                let configuration = try StockSchoolConfiguration.load(yaml: yaml, environment: [:])
                try await TestStore.with(.sqlite) { store in
                    let engine = AlertEngine(
                        rules: .defaults(), store: AlertStore(store),
                        channels: AlertSetup.channels(configuration, metrics: AlertMetrics()))
                    let signals = [
                        Signal("api_error_rate", 0.2),  // APIHighErrorRate: critical, for 5m
                        Signal("api_up", 0),  // StockSchoolDown: critical, page=phone, for 1m
                        Signal("sync_delay_hours", 5, labels: ["dataset": "daily"]),  // SyncDelayed: warning, for 10m
                        Signal("backup_age_hours", 30),  // BackupStale: info, at once
                    ]
                    _ = try await engine.evaluate(signals, at: Self.start)
                    let outcome = try await engine.evaluate(
                        signals, at: Timestamp(secondsSinceEpoch: Self.start.secondsSinceEpoch + 600))
                    #expect(outcome.deliveries.allSatisfy { $0.error == nil }, "\(outcome.deliveries.map(\.error))")
                }

                // Email: every level, one message per level, to both recipients.
                let subjects = smtp.messages.compactMap(\.subject)
                #expect(
                    Set(subjects) == [
                        "[INFO] 1 firing: BackupStale",
                        "[CRITICAL] 2 firing: APIHighErrorRate, StockSchoolDown",
                        "[WARNING] 1 firing: SyncDelayed",
                    ])
                #expect(smtp.messages.allSatisfy { Set($0.recipients) == ["ops@example.com", "lead@example.com"] })
                let critical = try #require(smtp.messages.first { $0.subject?.hasPrefix("[CRITICAL]") == true })
                #expect(critical.body.contains("API 5xx rate is 0.2 (over 0.05)"))
                #expect(critical.body.contains("The StockSchool API does not answer /api/health"))
                let warning = try #require(smtp.messages.first { $0.subject?.hasPrefix("[WARNING]") == true })
                #expect(warning.body.contains("daily is 5 h behind (over 2 h)"))

                // Slack: critical and warning only.
                let slack = http.requests.filter { $0.path == "/slack" }
                let slackTexts = try slack.map { try $0.jsonObject()["text"] as? String }
                #expect(
                    Set(slackTexts.compactMap { $0 }) == [
                        "[CRITICAL] 2 firing: APIHighErrorRate, StockSchoolDown", "[WARNING] 1 firing: SyncDelayed",
                    ])

                // SMS: critical only, through the template, with the gateway's token.
                let sms = http.requests.filter { $0.path == "/sms" }
                #expect(sms.count == 1)
                let message = try #require(sms.first)
                #expect(message.header("Authorization") == "Bearer sms-token")
                let body = try message.jsonObject()
                #expect(body["to"] as? String == "+8613800000000")
                #expect(body["text"] as? String == "[CRITICAL] 2 firing: APIHighErrorRate, StockSchoolDown")

                // Phone: only the system-down alert.
                let phone = http.requests.filter { $0.path == "/phone" }
                #expect(phone.count == 1)
                #expect(phone.first?.bodyText.contains("StockSchoolDown") == true)
                #expect(phone.first?.bodyText.contains("APIHighErrorRate") == false)
            }
        }
    }

    @Test func aFailingChannelIsRetriedAndCounted() async throws {
        try await HTTPSink.with(HTTPSink.Options(failFirst: 2)) { http in
            var configuration = StockSchoolConfiguration()
            configuration.alertChannels.slackWebhookURL = http.url("/slack")
            let metrics = AlertMetrics()
            let channels = AlertSetup.channels(
                configuration, metrics: metrics, policy: RetryPolicy(retries: 3, initialDelay: .milliseconds(10)))
            let delivery = await AlertDispatcher(channels: channels, metrics: metrics).test(channel: "slack")
            #expect(delivery.error == nil)
            #expect(http.requests.count == 3)
            #expect(metrics.notifications["slack"] == ["failed": 2, "sent": 1])
            #expect(delivery.notification.title == "[TEST] [INFO] 1 firing: StockSchoolTestAlert")
        }
    }
}
