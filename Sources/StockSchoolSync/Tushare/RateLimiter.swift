/// Tushare's per-API call limits (`daily` 500 a minute, `stock_basic` 50 a minute, …), enforced as
/// a sliding window: a call may start only when fewer than `limit` calls started in the window
/// before it. Unlike a token bucket (which allows a full burst plus the refill, up to twice the
/// limit in one window), this never exceeds the limit in any window, even with concurrent callers:
/// each caller reserves its start time inside the actor before it sleeps.
public actor RateLimiter {
    public struct Limit: Sendable, Equatable {
        public var calls: Int
        public var window: Duration

        public init(calls: Int, per window: Duration) {
            self.calls = calls
            self.window = window
        }

        public static func perMinute(_ calls: Int) -> Limit { Limit(calls: calls, per: .seconds(60)) }
    }

    /// Tushare's defaults for the entry tiers (TUSHARE.md); APIs not listed are unlimited.
    public static let tushareDefaults: [String: Limit] = [
        "daily": .perMinute(500),
        "adj_factor": .perMinute(500),
        "daily_basic": .perMinute(500),
        "stock_basic": .perMinute(50),
        "trade_cal": .perMinute(100),
        "index_daily": .perMinute(200),
    ]

    private let limits: [String: Limit]
    private let clock = ContinuousClock()
    /// Start times of recent calls per API, oldest first (at most `limit.calls` kept).
    private var starts: [String: [ContinuousClock.Instant]] = [:]

    public init(limits: [String: Limit] = RateLimiter.tushareDefaults) {
        self.limits = limits
    }

    /// Waits until a call to `api` may start, and counts it.
    public func acquire(_ api: String) async throws {
        guard let limit = limits[api], limit.calls > 0 else { return }
        var recent = starts[api, default: []]
        let now = clock.now
        var start = now
        if recent.count >= limit.calls {
            // The call may start once the limit-th most recent start leaves the window.
            start = max(now, recent[recent.count - limit.calls] + limit.window)
        }
        recent.append(start)
        if recent.count > limit.calls { recent.removeFirst(recent.count - limit.calls) }
        starts[api] = recent
        if start > now { try await clock.sleep(until: start) }
    }
}
