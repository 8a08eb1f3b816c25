// Placeholder until the cache branch lands (it replaces this file).
public protocol ResponseCache: Sendable {
    func get(_ key: String) async -> [UInt8]?
    func set(_ key: String, _ value: [UInt8], ttl: Duration) async
    func removeAll() async
    var statistics: CacheStatistics { get }
    func ping() async throws -> Duration
}

public struct CacheStatistics: Sendable {
    public var backend: String
    public var hits: Int
    public var misses: Int
    public var errors: Int
    public var outages: Int
}
