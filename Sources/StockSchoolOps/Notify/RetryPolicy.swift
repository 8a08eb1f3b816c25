/// How often and how patiently a failed send is tried again: `retries` more attempts after the
/// first, waiting `initialDelay`, then twice that, and so on (1 s, 2 s, 4 s by default).
///
/// The waits grow because the usual causes — a gateway restarting, a mail server greylisting
/// (451), a rate limit — clear in seconds to a minute, and hammering them does not help.
public struct RetryPolicy: Sendable, Equatable {
    public var retries: Int
    public var initialDelay: Duration
    public var multiplier: Int

    public init(retries: Int = 3, initialDelay: Duration = .seconds(1), multiplier: Int = 2) {
        self.retries = max(0, retries)
        self.initialDelay = initialDelay
        self.multiplier = max(1, multiplier)
    }

    /// The wait before retry number `retry` (1-based).
    public func delay(beforeRetry retry: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, retry) { delay = delay * multiplier }
        return delay
    }
}
