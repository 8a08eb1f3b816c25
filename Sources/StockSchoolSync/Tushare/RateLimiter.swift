/// Tushare's per-API call limits (`daily` 500 a minute, `stock_basic` 50 a minute, …), enforced as
/// a sliding window: a call may start only when fewer than `limit` calls started in the window
/// before it. Unlike a token bucket (which allows a full burst plus the refill, up to twice the
/// limit in one window), this never exceeds the limit in any window, even with concurrent callers:
/// each caller reserves its start time inside the actor before it sleeps.
public actor RateLimiter {
    public struct Limit: Sendable, Equatable {
        public var calls: Int
        public var window: Duration
        /// Extra spacing beyond the window. Tushare counts calls as they arrive, and network
        /// jitter can bring two calls a full window apart at our end closer together at theirs;
        /// 2% of the window absorbs that at a cost of 2% of the wall time of a long sync.
        public var margin: Duration

        public init(calls: Int, per window: Duration, margin: Duration? = nil) {
            self.calls = calls
            self.window = window
            self.margin = margin ?? window / 50
        }

        public static func perMinute(_ calls: Int) -> Limit { Limit(calls: calls, per: .seconds(60)) }

        /// The shortest time `n` calls can take under the server's limit (the margin is ours):
        /// every `calls` calls after the first burst wait one more window.
        public func minimumDuration(of n: Int) -> Duration {
            guard calls > 0, n > calls else { return .zero }
            return window * ((n - 1) / calls)
        }
    }

    /// Tushare's defaults for the entry tiers (TUSHARE.md); APIs not listed are unlimited.
    public static let tushareDefaults: [String: Limit] = [
        "daily": .perMinute(500),
        "adj_factor": .perMinute(500),
        "daily_basic": .perMinute(500),
        "stock_basic": .perMinute(50),
        "trade_cal": .perMinute(100),
        "index_daily": .perMinute(200),
        "index_weight": .perMinute(200),
    ]

    /// The defaults with per-minute overrides from the configuration (`tushare.limits.<api>`;
    /// 0 = unlimited).
    public static func tushareLimits(overriding perMinute: [String: Int]) -> [String: Limit] {
        var limits = tushareDefaults
        for (api, calls) in perMinute { limits[api] = calls > 0 ? .perMinute(calls) : nil }
        return limits
    }

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
            start = max(now, recent[recent.count - limit.calls] + limit.window + limit.margin)
        }
        recent.append(start)
        if recent.count > limit.calls { recent.removeFirst(recent.count - limit.calls) }
        starts[api] = recent
        if start > now { try await clock.sleep(until: start) }
    }
}
