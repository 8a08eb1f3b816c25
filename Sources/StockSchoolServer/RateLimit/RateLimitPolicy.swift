import StockSchoolCore

/// Which limit applies to a request: the per-address one for anonymous requests, the key's
/// role's one for requests with a key (configuration `api.rate_limit.*`; docs/api.md).
public struct RateLimitPolicy: Sendable, Equatable {
    /// Anonymous requests, per client address.
    public var perAddress: APIRateLimit
    /// Requests with a key, per key, by the key's role.
    public var perRole: [APIAccess: APIRateLimit]

    public init(_ limits: [String: APIRateLimit] = APIRateLimit.defaults) {
        let fallback = APIRateLimit(requestsPerSecond: 0, burst: 1)
        perAddress = limits["ip"] ?? APIRateLimit.defaults["ip"] ?? fallback
        perRole = [:]
        for role in APIKeyStore.roles {
            perRole[role] = limits[role.rawValue] ?? APIRateLimit.defaults[role.rawValue] ?? fallback
        }
    }

    /// The limit for a key of `role`; a role without one is not limited.
    public func limit(for role: APIAccess) -> APIRateLimit {
        perRole[role] ?? APIRateLimit(requestsPerSecond: 0, burst: 1)
    }
}
