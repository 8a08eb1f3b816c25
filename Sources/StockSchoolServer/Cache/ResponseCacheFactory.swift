import Logging
import StockSchoolRedis

/// Chooses the cache backend from configuration: Redis when `STOCKSCHOOL_REDIS_URL` is set, the
/// in-process `MemoryCache` otherwise (the embedded default).
public enum ResponseCacheFactory {
    /// A `RedisCache` for `redisURL`, or a `MemoryCache` when it is `nil` or empty. Throws
    /// `RedisError.invalidURL` for a malformed URL, so a typo stops startup instead of silently
    /// running without the shared cache. Does not connect: a Redis that is down at startup is an
    /// outage like any other, and the API starts anyway.
    public static func make(
        redisURL: String?,
        memoryLimits: MemoryCache.Limits = MemoryCache.Limits(),
        redisOptions: RedisCache.Options = RedisCache.Options(),
        logger: Logger = Logger(label: "stockschool.cache")
    ) throws -> any ResponseCache {
        guard let redisURL, !redisURL.isEmpty else {
            return MemoryCache(limits: memoryLimits)
        }
        let configuration = try RedisConfiguration(url: redisURL)
        logger.info(
            "response cache in Redis",
            metadata: ["redis": "\(configuration.address)", "prefix": "\(redisOptions.keyPrefix)"])
        return RedisCache(configuration: configuration, options: redisOptions, logger: logger)
    }
}
