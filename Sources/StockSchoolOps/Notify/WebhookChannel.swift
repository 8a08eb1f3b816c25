import AsyncHTTPClient
import StockSchoolCore

/// Alerts to an SMS or voice gateway: a JSON POST whose body the operator shapes with a
/// `WebhookBodyTemplate`, with an optional header carrying the gateway's credential.
public struct WebhookChannel: AlertChannel {
    public let name: String
    public let url: String
    public let template: WebhookBodyTemplate
    private let poster: JSONPoster

    public init(
        name: String, url: String, authHeader: (name: String, value: String)? = nil,
        template: WebhookBodyTemplate = .default, timeout: Duration = .seconds(10), client: HTTPClient = .shared
    ) {
        self.name = name
        self.url = url
        self.template = template
        self.poster = JSONPoster(
            channel: name, url: url, headers: authHeader.map { [$0] } ?? [], timeout: timeout, client: client,
            accepts: { (200..<300).contains($0) })
    }

    public func send(_ notification: AlertNotification) async throws {
        try await poster.post(Array(body(for: notification).utf8))
    }

    /// The rendered template: `{{count}}` is the number of alerts in the notification's status.
    public func body(for notification: AlertNotification) -> String {
        template.render(
            WebhookBodyTemplate.Values(
                title: notification.title, text: notification.text, level: notification.level.rawValue,
                status: notification.status.rawValue,
                count: notification.alerts.filter { $0.status == notification.status }.count))
    }
}
