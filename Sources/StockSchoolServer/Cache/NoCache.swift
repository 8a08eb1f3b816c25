import NIOCore

/// A cache that never holds anything: `serve --no-cache`, to measure the store's own speed.
public struct NoCache: ResponseCache {
    public init() {}
    public func get(_ key: String) async -> ByteBuffer? { nil }
    public func set(_ key: String, _ value: ByteBuffer, ttl: Duration) async {}
    public func removeAll() async {}
    public var statistics: CacheStatistics {
        CacheStatistics(backend: "none", hits: 0, misses: 0, errors: 0, outages: 0)
    }
    public func ping() async throws -> Duration { .zero }
}
