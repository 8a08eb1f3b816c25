/// The API's access settings (`api.*`): whether reads need a key, the request-rate limits, and
/// the bounds on what one request may ask for.
///
/// The limits live here, beside the rest of the configuration, so one `stockschool.yaml` or one
/// set of `STOCKSCHOOL_API_*` variables configures every replica alike.
public struct APIConfiguration: Sendable, Equatable {
    /// When true, reads need a key too (any role); probes and scrapes stay open.
    public var requireKeyForReads = false
    /// Limits by who is calling: `ip` for anonymous requests (per client address), and one per
    /// role for requests with a key (per key). See `APIRateLimit.defaults` for why these numbers.
    public var rateLimits: [String: APIRateLimit] = APIRateLimit.defaults
    /// Seconds `POST /api/v1/factors/evaluate` may run before it answers 503.
    public var evaluationTimeoutSeconds = 120
    /// Longest date range a request may ask for, in calendar days (ten years and a leap day or
    /// two: a decade of daily bars is the longest series the dashboard draws).
    public var maximumRangeDays = 3660
    /// Largest request body accepted; larger → 413.
    public var maximumBodyBytes = 64 * 1024
    /// Longest formula `POST /api/v1/factors/evaluate` accepts.
    public var maximumExpressionLength = 2000
    /// Most factors one evaluation request may name (whole sets are for the CLI).
    public var maximumEvaluationFactors = 20

    public init() {}
}

/// A token bucket's size: `requestsPerSecond` refill rate and `burst` capacity. A rate of 0
/// switches the limit off.
public struct APIRateLimit: Sendable, Equatable {
    public var requestsPerSecond: Int
    public var burst: Int

    public init(requestsPerSecond: Int, burst: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    /// The callers a limit can be set for, as they appear in the keys (`api.rate_limit.<who>.rate`).
    public static let callers = ["ip", "reader", "analyst", "admin"]

    /// The defaults, chosen so that:
    /// - `ip` (anonymous requests, per client address) only stops floods: behind the nginx of the
    ///   production topology every anonymous request comes from the proxy's one address, and a
    ///   wrk benchmark from one host runs above 20,000 requests/s, so a per-person number here
    ///   would throttle everybody at once. Per-client limits for the public belong in nginx.
    /// - keys are held by programs (notebooks, dashboards, jobs): reader and analyst keys may pull
    ///   data page after page; admin keys do rare operations and can do the most harm if leaked,
    ///   so they get the smallest bucket.
    public static let defaults: [String: APIRateLimit] = [
        "ip": APIRateLimit(requestsPerSecond: 50_000, burst: 100_000),
        "reader": APIRateLimit(requestsPerSecond: 500, burst: 1_000),
        "analyst": APIRateLimit(requestsPerSecond: 500, burst: 1_000),
        "admin": APIRateLimit(requestsPerSecond: 100, burst: 200),
    ]
}

extension StockSchoolConfiguration {
    /// `api.require_key_for_reads` and `api.rate_limit.<ip|reader|analyst|admin>.<rate|burst>`.
    static let apiKeys: [Key] =
        [
            Key(path: "api.require_key_for_reads", environment: ["STOCKSCHOOL_API_REQUIRE_KEY_FOR_READS"]) { c, v in
                c.api.requireKeyForReads = try boolean(v)
            },
            Key(path: "api.evaluation_timeout", environment: ["STOCKSCHOOL_API_EVALUATION_TIMEOUT"]) { c, v in
                c.api.evaluationTimeoutSeconds = try integer(v, in: 1...86_400)
            },
            Key(path: "api.max_range_days", environment: ["STOCKSCHOOL_API_MAX_RANGE_DAYS"]) { c, v in
                c.api.maximumRangeDays = try integer(v, in: 1...36_600)
            },
            Key(path: "api.max_body_bytes", environment: ["STOCKSCHOOL_API_MAX_BODY_BYTES"]) { c, v in
                c.api.maximumBodyBytes = try integer(v, in: 1024...(64 << 20))
            },
            Key(path: "api.max_expression_length", environment: ["STOCKSCHOOL_API_MAX_EXPRESSION_LENGTH"]) { c, v in
                c.api.maximumExpressionLength = try integer(v, in: 1...100_000)
            },
            Key(path: "api.max_evaluation_factors", environment: ["STOCKSCHOOL_API_MAX_EVALUATION_FACTORS"]) { c, v in
                c.api.maximumEvaluationFactors = try integer(v, in: 1...1_000)
            },
        ]
        + APIRateLimit.callers.flatMap { who in
            [
                Key(
                    path: "api.rate_limit.\(who).rate",
                    environment: ["STOCKSCHOOL_API_RATE_LIMIT_\(who.uppercased())_RATE"]
                ) { c, v in
                    c.api.rateLimits[who, default: APIRateLimit(requestsPerSecond: 0, burst: 1)].requestsPerSecond =
                        try rateLimitValue(v, in: 0...10_000_000)
                },
                Key(
                    path: "api.rate_limit.\(who).burst",
                    environment: ["STOCKSCHOOL_API_RATE_LIMIT_\(who.uppercased())_BURST"]
                ) { c, v in
                    c.api.rateLimits[who, default: APIRateLimit(requestsPerSecond: 0, burst: 1)].burst =
                        try rateLimitValue(v, in: 1...100_000_000)
                },
            ]
        }

    private static func boolean(_ value: String) throws(ValueError) -> Bool {
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ValueError(reason: "expected true or false, got '\(value)'")
        }
    }

    private static func rateLimitValue(_ value: String, in range: ClosedRange<Int>) throws(ValueError) -> Int {
        guard let n = Int(value), range.contains(n) else {
            throw ValueError(reason: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return n
    }
}
