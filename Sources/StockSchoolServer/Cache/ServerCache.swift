import StockSchoolCore
import StockSchoolRedis

/// The cache the configuration asks for: Redis when a URL is set, in memory otherwise.
public enum ServerCache {
    /// `disabled` (`serve --no-cache`) gives `NoCache`, to measure the store's own speed. Throws
    /// `RedisError.invalidURL` for a malformed `redis.url`.
    public static func make(
        _ configuration: StockSchoolConfiguration, disabled: Bool = false
    ) throws -> any ResponseCache {
        if disabled { return NoCache() }
        return try ResponseCacheFactory.make(redisURL: configuration.redisURL)
    }
}
