import NIOCore

/// Where the API keeps rendered responses, so a repeated request skips the store and the
/// factor computation. Two backends sit behind it: `MemoryCache` for one process, `RedisCache`
/// shared by every API replica.
///
/// The cache is an accelerator, never a dependency: no method throws into a request (`get`
/// answers `nil` on a miss *or* a failure, `set` and `removeAll` fail silently and count it), so
/// an unavailable Redis makes responses slower, not failed. Only `ping`, which the health
/// endpoint calls to report on the cache itself, throws.
public protocol ResponseCache: Sendable {
    /// The cached bytes for `key`, or `nil` on a miss or any failure: a cache problem never fails
    /// a request.
    func get(_ key: String) async -> ByteBuffer?
    /// Stores `value` under `key` for `ttl` (see `CachePolicy` for the TTLs of the API's
    /// responses); a failure is counted, not thrown.
    func set(_ key: String, _ value: ByteBuffer, ttl: Duration) async
    /// Drops every entry this cache owns — for Redis, only the keys under its prefix, never the
    /// rest of a shared server.
    func removeAll() async
    /// Counters since start, read at `/metrics` scrape time.
    var statistics: CacheStatistics { get }
    /// The round trip to the backend, for `/api/health`; throws when it is unreachable.
    func ping() async throws -> Duration
}
