/// What a `ResponseCache` has done since it started: monotonically increasing counters, so
/// Prometheus can take rates of them, and the backend's name for the `backend` label.
public struct CacheStatistics: Sendable, Hashable {
    /// `memory` or `redis`.
    public var backend: String
    /// Lookups answered from the cache.
    public var hits: Int = 0
    /// Lookups the cache answered "not there" (absent or expired).
    public var misses: Int = 0
    /// Operations that could not be done: a failed or timed-out command, or one skipped because
    /// the backend is known to be down. Each such `get` was also served as a miss.
    public var errors: Int = 0
    /// Times the backend became unreachable (one per outage, however many operations it spoiled).
    public var outages: Int = 0

    public init(backend: String, hits: Int = 0, misses: Int = 0, errors: Int = 0, outages: Int = 0) {
        self.backend = backend
        self.hits = hits
        self.misses = misses
        self.errors = errors
        self.outages = outages
    }

    /// Hits over answered lookups, `nil` before the first lookup.
    public var hitRatio: Double? {
        hits + misses == 0 ? nil : Double(hits) / Double(hits + misses)
    }
}
