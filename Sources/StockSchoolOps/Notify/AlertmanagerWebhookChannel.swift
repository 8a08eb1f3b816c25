import AsyncHTTPClient

/// Alerts to any receiver written for Alertmanager's webhook (`alerts.webhook.url`), in its
/// version 4 payload; see `AlertmanagerWebhookPayload`.
public struct AlertmanagerWebhookChannel: AlertChannel {
    public let name: String
    public let url: String
    /// The `receiver` field: the name Alertmanager would give the receiver in its routing tree.
    public let receiver: String
    /// At most this many alerts per POST (0: all), as Alertmanager's `max_alerts`.
    public let maxAlerts: Int
    private let poster: JSONPoster

    public init(
        name: String = "webhook", url: String, receiver: String = "stockschool", maxAlerts: Int = 0,
        timeout: Duration = .seconds(10), client: HTTPClient = .shared
    ) {
        self.name = name
        self.url = url
        self.receiver = receiver
        self.maxAlerts = maxAlerts
        self.poster = JSONPoster(
            channel: name, url: url, headers: [], timeout: timeout, client: client,
            accepts: { (200..<300).contains($0) })
    }

    public func send(_ notification: AlertNotification) async throws {
        try await poster.post(try JSONPoster.encode(payload(for: notification)))
    }

    public func payload(for notification: AlertNotification) -> AlertmanagerWebhookPayload {
        AlertmanagerWebhookPayload(notification: notification, receiver: receiver, maxAlerts: maxAlerts)
    }
}
