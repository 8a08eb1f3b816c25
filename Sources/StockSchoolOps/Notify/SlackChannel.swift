import AsyncHTTPClient

/// Alerts to a Slack channel through an incoming webhook: the title as the message text (what
/// the notification banner shows) and the full text in an attachment whose colour bar says the
/// level at a glance.
public struct SlackChannel: AlertChannel {
    public let name: String
    public let url: String
    private let poster: JSONPoster

    public init(
        name: String = "slack", webhookURL: String, timeout: Duration = .seconds(10), client: HTTPClient = .shared
    ) {
        self.name = name
        self.url = webhookURL
        // Slack answers 200 "ok" and nothing else on success; any other status is a failure.
        self.poster = JSONPoster(
            channel: name, url: webhookURL, headers: [], timeout: timeout, client: client, accepts: { $0 == 200 })
    }

    public func send(_ notification: AlertNotification) async throws {
        try await poster.post(try Self.payload(for: notification))
    }

    /// The JSON body: `{"text": title, "attachments": [{"color", "fallback", "text", …}]}`.
    public static func payload(for notification: AlertNotification) throws -> [UInt8] {
        try JSONPoster.encode(
            Payload(
                text: notification.title,
                attachments: [
                    Attachment(
                        color: color(for: notification), fallback: notification.title, text: notification.text,
                        footer: "StockSchool")
                ]))
    }

    /// Slack's named colours: `danger` (red) for critical, `warning` (amber), `good` (green) once
    /// resolved; info gets Slack's blue.
    public static func color(for notification: AlertNotification) -> String {
        if notification.status == .resolved { return "good" }
        switch notification.level {
        case .critical: return "danger"
        case .warning: return "warning"
        case .info, .ok: return "#439FE0"
        }
    }

    struct Payload: Encodable {
        let text: String
        let attachments: [Attachment]
    }

    struct Attachment: Encodable {
        let color: String
        let fallback: String
        let text: String
        let footer: String
    }
}
