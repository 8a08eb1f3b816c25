import StockSchoolCore
import StockSchoolOps
import Testing

/// `alerts.*` keys: parsing, environment overrides, validation errors that name the key, and the
/// channels `ChannelFactory` builds from them.
@Suite struct AlertChannelConfigurationTests {
    static let yaml = """
        alerts:
          email:
            smtp_host: smtp.example.com
            smtp_port: 465
            tls: tls
            username: alerts
            password: from-file
            from: StockSchool <alerts@example.com>
            to: ops@example.com, dba@example.com
            ca_file: /etc/stockschool/ca.pem
          slack:
            webhook_url: https://hooks.slack.com/services/T/B/X
          sms:
            url: https://sms.example.com/send
            auth_header: "Authorization: Bearer abc123"
            template: '{"content": "{{title}}", "n": {{count}}}'
          phone:
            url: https://voice.example.com/call
          webhook:
            url: http://alert-bridge:9095/alertmanager
        """

    @Test func everyKeyIsRead() throws {
        let configuration = try StockSchoolConfiguration.load(yaml: Self.yaml, environment: [:]).alertChannels
        let email = configuration.email
        #expect(email.smtpHost == "smtp.example.com" && email.smtpPort == 465 && email.tls == .tls)
        #expect(email.username == "alerts" && email.password == "from-file")
        #expect(email.from == "StockSchool <alerts@example.com>")
        #expect(email.to == ["ops@example.com", "dba@example.com"])
        #expect(email.caFile == "/etc/stockschool/ca.pem")
        #expect(configuration.slackWebhookURL == "https://hooks.slack.com/services/T/B/X")
        #expect(configuration.sms.url == "https://sms.example.com/send")
        #expect(configuration.sms.authHeader == .init(name: "Authorization", value: "Bearer abc123"))
        #expect(configuration.sms.template.text == #"{"content": "{{title}}", "n": {{count}}}"#)
        #expect(configuration.phone.url == "https://voice.example.com/call")
        #expect(configuration.phone.template == .default)
        #expect(configuration.alertmanagerWebhookURL == "http://alert-bridge:9095/alertmanager")
    }

    @Test func secretsAreMaskedWhenPrinted() throws {
        let configuration = try StockSchoolConfiguration.load(yaml: Self.yaml, environment: [:])
        let printed = "\(configuration)"
        #expect(!printed.contains("from-file") && !printed.contains("abc123"))
        #expect(printed.contains("smtp://alerts:***@smtp.example.com:465"))
        #expect(printed.contains("Authorization: ***"))
    }

    @Test func defaultsConfigureNothing() throws {
        let configuration = try StockSchoolConfiguration.load(yaml: nil, environment: [:]).alertChannels
        #expect(configuration == AlertChannelConfiguration())
        #expect(configuration.email.smtpPort == 587 && configuration.email.tls == .starttls)
        #expect(ChannelFactory.make(configuration).isEmpty)
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try StockSchoolConfiguration.load(
            yaml: Self.yaml,
            environment: [
                "STOCKSCHOOL_ALERTS_EMAIL_PASSWORD": "from-env", "STOCKSCHOOL_ALERTS_EMAIL_SMTP_PORT": "2525",
                "STOCKSCHOOL_ALERTS_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/other",
                "STOCKSCHOOL_ALERTS_PHONE_AUTH_HEADER": "X-Api-Key: k",
            ]
        ).alertChannels
        #expect(configuration.email.password == "from-env")
        #expect(configuration.email.smtpPort == 2525)
        #expect(configuration.slackWebhookURL == "https://hooks.slack.com/services/other")
        #expect(configuration.phone.authHeader == .init(name: "X-Api-Key", value: "k"))
    }

    @Test func keysAreListed() {
        let keys = Dictionary(StockSchoolConfiguration.keyPaths.map { ($0.path, $0.environment) }) { a, _ in a }
        #expect(keys["alerts.email.password"] == ["STOCKSCHOOL_ALERTS_EMAIL_PASSWORD"])
        #expect(keys["alerts.email.smtp_host"] == ["STOCKSCHOOL_ALERTS_EMAIL_SMTP_HOST"])
        #expect(keys["alerts.sms.auth_header"] == ["STOCKSCHOOL_ALERTS_SMS_AUTH_HEADER"])
        #expect(keys["alerts.webhook.url"] == ["STOCKSCHOOL_ALERTS_WEBHOOK_URL"])
        #expect(keys["alerts.slack.webhook_url"] == ["STOCKSCHOOL_ALERTS_SLACK_WEBHOOK_URL"])
    }

    /// The key an invalid value is reported against, and the reason.
    func failure(_ environment: [String: String]) -> (key: String, reason: String)? {
        do {
            _ = try StockSchoolConfiguration.load(yaml: nil, environment: environment)
            return nil
        } catch {
            guard case .invalidConfiguration(let key, _, let reason) = error else { return nil }
            return (key, reason)
        }
    }

    @Test func invalidValuesNameTheirKey() {
        let minimal = [
            "STOCKSCHOOL_ALERTS_EMAIL_SMTP_HOST": "smtp.example.com",
            "STOCKSCHOOL_ALERTS_EMAIL_FROM": "alerts@example.com", "STOCKSCHOOL_ALERTS_EMAIL_TO": "ops@example.com",
        ]
        #expect(failure(minimal) == nil)
        func with(_ name: String, _ value: String) -> [String: String] {
            minimal.merging([name: value]) { _, new in new }
        }
        let cases: [(String, String, String, String)] = [
            ("STOCKSCHOOL_ALERTS_EMAIL_SMTP_PORT", "70000", "alerts.email.smtp_port", "1...65535"),
            ("STOCKSCHOOL_ALERTS_EMAIL_SMTP_PORT", "smtp", "alerts.email.smtp_port", "'smtp'"),
            ("STOCKSCHOOL_ALERTS_EMAIL_TLS", "ssl", "alerts.email.tls", "starttls, tls, none"),
            ("STOCKSCHOOL_ALERTS_EMAIL_TO", "ops@example.com, ops.example.com", "alerts.email.to", "@"),
            ("STOCKSCHOOL_ALERTS_EMAIL_FROM", "alerts", "alerts.email.from", "@"),
            ("STOCKSCHOOL_ALERTS_EMAIL_SMTP_HOST", "smtp://x", "alerts.email.smtp_host", "host name"),
            ("STOCKSCHOOL_ALERTS_SLACK_WEBHOOK_URL", "hooks.slack.com/x", "alerts.slack.webhook_url", "http"),
            ("STOCKSCHOOL_ALERTS_SMS_URL", "ftp://sms", "alerts.sms.url", "http"),
            ("STOCKSCHOOL_ALERTS_WEBHOOK_URL", "https://", "alerts.webhook.url", "host"),
            ("STOCKSCHOOL_ALERTS_SMS_AUTH_HEADER", "Bearer abc", "alerts.sms.auth_header", "Name: value"),
            ("STOCKSCHOOL_ALERTS_PHONE_AUTH_HEADER", "Bad Name: v", "alerts.phone.auth_header", "header name"),
            ("STOCKSCHOOL_ALERTS_PHONE_TEMPLATE", #"{"m": {{title}}}"#, "alerts.phone.template", "not valid JSON"),
            ("STOCKSCHOOL_ALERTS_SMS_TEMPLATE", #"{"m": "{{name}}"}"#, "alerts.sms.template", "unknown placeholder"),
        ]
        for (variable, value, key, reason) in cases {
            let result = failure(with(variable, value))
            #expect(result?.key == key, "\(variable)=\(value)")
            #expect(result?.reason.contains(reason) == true, "\(variable)=\(value): \(result?.reason ?? "no error")")
        }
    }

    @Test func incompleteChannelsNameTheMissingKey() {
        #expect(failure(["STOCKSCHOOL_ALERTS_EMAIL_SMTP_HOST": "smtp.example.com"])?.key == "alerts.email.from")
        #expect(
            failure([
                "STOCKSCHOOL_ALERTS_EMAIL_SMTP_HOST": "smtp.example.com", "STOCKSCHOOL_ALERTS_EMAIL_FROM": "a@b.c",
            ])?
            .key == "alerts.email.to")
        #expect(failure(["STOCKSCHOOL_ALERTS_EMAIL_TO": "a@b.c"])?.key == "alerts.email.smtp_host")
        #expect(failure(["STOCKSCHOOL_ALERTS_EMAIL_USERNAME": "u"])?.key == "alerts.email.password")
        #expect(failure(["STOCKSCHOOL_ALERTS_SMS_AUTH_HEADER": "X-Key: v"])?.key == "alerts.sms.url")
    }

    @Test func yamlErrorsNameTheLine() {
        do {
            _ = try StockSchoolConfiguration.load(yaml: "alerts:\n  email:\n    tls: ssl\n", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("'alerts.email.tls'"))
            #expect(error.description.contains("line 3"))
        }
    }

    @Test func factoryBuildsConfiguredChannelsByName() throws {
        let configuration = try StockSchoolConfiguration.load(yaml: Self.yaml, environment: [:])
        let channels = ChannelFactory.make(configuration)
        #expect(Set(channels.keys) == ["email", "slack", "sms", "phone", "webhook"])
        for (name, channel) in channels { #expect(channel.name == name) }
        let email = try #require(channels["email"] as? EmailChannel)
        #expect(email.client.settings.host == "smtp.example.com" && email.client.settings.tls == .tls)
        #expect(email.to == ["ops@example.com", "dba@example.com"])
        let sms = try #require(channels["sms"] as? WebhookChannel)
        #expect(sms.body(for: NotificationFixtures.critical).hasPrefix(#"{"content": "[CRITICAL] 2 firing"#))

        var slackOnly = AlertChannelConfiguration()
        slackOnly.slackWebhookURL = "https://hooks.slack.com/services/T/B/X"
        #expect(Array(ChannelFactory.make(slackOnly).keys) == ["slack"])
    }
}
