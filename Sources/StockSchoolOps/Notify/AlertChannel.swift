/// Somewhere an alert notification can be delivered: an inbox, a chat room, a phone.
///
/// A channel sends one notification per call and throws when the destination did not accept it,
/// so the caller (usually wrapped in `RetryingChannel`) can retry and count failures. Channels
/// hold no per-alert state; deduplication and routing by level happen before `send`.
public protocol AlertChannel: Sendable {
    /// The channel's name in configuration, metrics and logs (`email`, `slack`, `sms`, …).
    var name: String { get }

    func send(_ notification: AlertNotification) async throws
}
