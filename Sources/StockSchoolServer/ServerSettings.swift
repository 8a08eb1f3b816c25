import StockSchoolCore

/// The API server's knobs, from configuration (`server.*`, `cache.*`, `api.*`; docs/configuration.md).
public struct ServerSettings: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Time-to-live of cached data responses (bars, cross-sections, series): the manual's 300 s.
    public var dataTTL: Duration = .seconds(300)
    /// Time-to-live of cached lists and catalogs: the manual's 600 s.
    public var listTTL: Duration = .seconds(600)
    /// Longest date range a request may ask for, in calendar days; `api.max_range_days`.
    public var maximumRangeDays = APIConfiguration().maximumRangeDays
    /// Largest request body accepted; larger → 413; `api.max_body_bytes`.
    public var maximumBodyBytes = APIConfiguration().maximumBodyBytes
    /// Longest formula accepted by `POST /api/v1/factors/evaluate`; `api.max_expression_length`.
    public var maximumExpressionLength = APIConfiguration().maximumExpressionLength
    /// Most factors one evaluation request may name; `api.max_evaluation_factors`.
    public var maximumEvaluationFactors = APIConfiguration().maximumEvaluationFactors
    /// An evaluation running longer is abandoned with 503; `api.evaluation_timeout`.
    public var evaluationTimeout: Duration = .seconds(APIConfiguration().evaluationTimeoutSeconds)
    /// How often the server looks for committed syncs and score refreshes (cache generations).
    public var generationPollInterval: Duration = .seconds(1)
    /// When true, reads need a key too (any role); `api.require_key_for_reads`.
    public var requireKeyForReads: Bool = false
    /// Request-rate limits per client address and per key role; `api.rate_limit.*`.
    public var rateLimits = RateLimitPolicy()
    /// How long a key lookup is trusted before the store is asked again: the longest a revoked
    /// key keeps working.
    public var keyCacheLifetime: Duration = .seconds(5)
    /// Least time between two writes of a key's `last_used_at`.
    public var keyTouchInterval: Duration = .seconds(60)
    /// How long `/api/health` and `/metrics` wait for the store before reporting it failing (a
    /// scrape must answer inside Prometheus's 10 s `scrape_timeout` for `DependencyDown` to fire).
    public var dependencyCheckTimeout: Duration = .seconds(3)
    /// Sync lag above which `/api/health` reports the sync check as degraded (the manual's 2 h).
    public var syncLagWarningHours: Double = 2
    /// Seconds between alert evaluations; `nil` runs no alert engine in this process (`serve
    /// --no-alerts`, tests).
    public var alertInterval: Duration? = nil

    public init() {}

    public init(_ configuration: StockSchoolConfiguration) {
        host = configuration.serverHost
        port = configuration.serverPort
        dataTTL = .seconds(configuration.cacheDataTTL)
        listTTL = .seconds(configuration.cacheListTTL)
        requireKeyForReads = configuration.api.requireKeyForReads
        rateLimits = RateLimitPolicy(configuration.api.rateLimits)
        evaluationTimeout = .seconds(configuration.api.evaluationTimeoutSeconds)
        maximumRangeDays = configuration.api.maximumRangeDays
        maximumBodyBytes = configuration.api.maximumBodyBytes
        maximumExpressionLength = configuration.api.maximumExpressionLength
        maximumEvaluationFactors = configuration.api.maximumEvaluationFactors
        alertInterval = .seconds(configuration.ops.alertInterval)
    }
}
