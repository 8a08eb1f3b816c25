/// Somewhere alert notifications go: email, Slack, an SMS or voice gateway, an
/// Alertmanager-compatible receiver.
public protocol AlertChannel: Sendable {
    /// The routing name: `email`, `slack`, `sms`, `phone`, `webhook`.
    var name: String { get }
    func send(_ notification: AlertNotification) async throws
}
