/// A channel that tries again: on failure it waits (exponential backoff, `RetryPolicy`) and
/// resends, and after the last attempt rethrows the last error.
///
/// Every attempt is reported to `onAttempt` — channel name, success, the error when it failed —
/// so the caller can count sends and failures per channel in its metrics without wrapping again.
public struct RetryingChannel: AlertChannel {
    /// Told of each attempt, successful or not.
    public typealias Observer = @Sendable (_ channel: String, _ succeeded: Bool, _ error: (any Error)?) -> Void

    public let base: any AlertChannel
    public let policy: RetryPolicy
    private let onAttempt: Observer

    public init(
        _ base: any AlertChannel, policy: RetryPolicy = RetryPolicy(), onAttempt: @escaping Observer = { _, _, _ in }
    ) {
        self.base = base
        self.policy = policy
        self.onAttempt = onAttempt
    }

    public var name: String { base.name }

    /// Sends, retrying on failure. Cancellation stops the waiting and is rethrown as such: an
    /// alert loop shutting down must not sit out a backoff.
    public func send(_ notification: AlertNotification) async throws {
        var retry = 0
        while true {
            do {
                try await base.send(notification)
                onAttempt(name, true, nil)
                return
            } catch {
                onAttempt(name, false, error)
                guard retry < policy.retries, !(error is CancellationError) else { throw error }
                retry += 1
                try await Task.sleep(for: policy.delay(beforeRetry: retry))
            }
        }
    }
}
