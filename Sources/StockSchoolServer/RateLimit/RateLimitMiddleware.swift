import Hummingbird
import StockSchoolCore

/// Applies `RateLimitPolicy` after authentication: requests with a key draw from the key's
/// bucket, anonymous ones from their address's. An empty bucket answers 429 with `Retry-After`
/// and an error naming the limit, so a client can tell its own limit from a server problem.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let limiter: RateLimiter
    let policy: RateLimitPolicy

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let caller: RateLimiter.Caller
        let limit: APIRateLimit
        let name: String
        let described: String
        if let principal = context.principal {
            caller = .key(principal.keyName)
            limit = policy.limit(for: principal.role)
            name = "key:\(principal.role.rawValue)"
            described = "key '\(principal.keyName)' (role \(principal.role.rawValue))"
        } else {
            let address = context.clientAddress ?? "unknown"
            caller = .address(address)
            limit = policy.perAddress
            name = "ip"
            described = "anonymous requests from \(address)"
        }
        guard let retryAfter = limiter.admit(caller, limit: limit) else {
            return try await next(request, context)
        }
        throw APIError(
            .tooManyRequests, code: "rate_limited",
            message:
                "rate limit exceeded for \(described): \(limit.requestsPerSecond) requests/s, burst \(limit.burst); retry after \(retryAfter) s",
            details: [
                "limit": name, "requests_per_second": String(limit.requestsPerSecond), "burst": String(limit.burst),
                "retry_after_seconds": String(retryAfter),
            ],
            headers: [.retryAfter: String(retryAfter)])
    }
}
