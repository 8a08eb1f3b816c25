import Foundation
import StockSchoolCore

/// Alerts by email: the notification's title as the subject, its text as the body, to every
/// configured recipient in one message. The manual sends every level this way.
public struct EmailChannel: AlertChannel {
    public let name: String
    public let client: SMTPClient
    public let from: String
    public let to: [String]

    public init(name: String = "email", settings: SMTPSettings, from: String, to: [String]) {
        self.name = name
        self.client = SMTPClient(settings: settings)
        self.from = from
        self.to = to
    }

    public func send(_ notification: AlertNotification) async throws {
        try await client.send(message(for: notification))
    }

    /// The message `send` delivers, for tests and previews.
    public func message(for notification: AlertNotification, date: Date = Date()) -> SMTPMessage {
        SMTPMessage(from: from, to: to, subject: notification.title, body: notification.text, date: date)
    }
}
