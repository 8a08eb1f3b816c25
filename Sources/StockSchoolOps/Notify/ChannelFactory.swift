import AsyncHTTPClient
import StockSchoolCore

/// Builds the channels the configuration sets up, by name: `email`, `slack`, `sms`, `phone`,
/// `webhook`. A channel without its address is absent, so "is SMS configured?" is
/// `channels["sms"] != nil` and routing never has to handle a half-configured channel.
///
/// The channels are returned bare; callers wrap them in `RetryingChannel` with the observer that
/// feeds their metrics.
public enum ChannelFactory {
    /// The channel names in the order the operations manual lists them (plus `webhook`).
    public static let names = ["email", "slack", "sms", "phone", "webhook"]

    public static func make(
        _ configuration: StockSchoolConfiguration, timeout: Duration = .seconds(10), client: HTTPClient = .shared
    ) -> [String: any AlertChannel] {
        make(configuration.alertChannels, timeout: timeout, client: client)
    }

    public static func make(
        _ configuration: AlertChannelConfiguration, timeout: Duration = .seconds(10), client: HTTPClient = .shared
    ) -> [String: any AlertChannel] {
        var channels: [String: any AlertChannel] = [:]
        let email = configuration.email
        if let host = email.smtpHost, let from = email.from, !email.to.isEmpty {
            let settings = SMTPSettings(
                host: host, port: email.smtpPort, tls: email.tls, username: email.username, password: email.password,
                caFile: email.caFile)
            channels["email"] = EmailChannel(settings: settings, from: from, to: email.to)
        }
        if let url = configuration.slackWebhookURL {
            channels["slack"] = SlackChannel(webhookURL: url, timeout: timeout, client: client)
        }
        for (name, gateway) in [("sms", configuration.sms), ("phone", configuration.phone)] {
            guard let url = gateway.url else { continue }
            channels[name] = WebhookChannel(
                name: name, url: url, authHeader: gateway.authHeader.map { ($0.name, $0.value) },
                template: gateway.template, timeout: timeout, client: client)
        }
        if let url = configuration.alertmanagerWebhookURL {
            channels["webhook"] = AlertmanagerWebhookChannel(url: url, timeout: timeout, client: client)
        }
        return channels
    }
}
