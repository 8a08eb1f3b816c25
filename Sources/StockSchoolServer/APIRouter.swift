import Hummingbird
import Logging

/// Builds the router from the route tables: every `APIRoute` is registered through one function
/// that checks access, validates the query, and serves GETs through the cache.
public enum APIRouter {
    /// Every route, in the order the OpenAPI document lists them.
    static func routes(_ services: APIServices) -> [APIRoute] {
        HealthRoutes.routes + MarketRoutes.routes + FactorRoutes.routes + ScoreRoutes.routes
            + BacktestRoutes.routes + SyncRoutes.routes + MonitoringRoutes.routes + [
                MetricsRoute.route, OpenAPIRoute.route,
            ]
    }

    /// The middleware, outermost first:
    /// 1. metrics, so every answer is counted and timed, refusals (401, 403, 429) and 404s too;
    /// 2. the error shape, so every failure, Hummingbird's own included, has the API's form;
    /// 3. audit, around the rest, so a write refused by authentication or the rate limit is
    ///    recorded with its status like any other;
    /// 4. authentication, which a per-key limit needs to know the key;
    /// 5. the rate limit, last before the route, after the caller is known.
    ///
    /// 3–5 are attached to the routes (a route group) rather than the router: they then run after
    /// the route is matched, so the audit trail and the limits know the route template, and an
    /// unknown path is a plain 404 without a key lookup.
    public static func make(_ services: APIServices) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: services.metrics))
        router.add(middleware: ErrorMiddleware())
        let routed = router.group()
            .add(
                middleware: AuditMiddleware(
                    writer: services.auditWriter, authenticator: services.authenticator,
                    maximumBodyBytes: services.settings.maximumBodyBytes)
            )
            .add(middleware: AuthenticationMiddleware(authenticator: services.authenticator))
            .add(middleware: RateLimitMiddleware(limiter: services.rateLimiter, policy: services.settings.rateLimits))
        DashboardRoutes.register(on: router, services: services)
        for route in routes(services) {
            let method: HTTPRequest.Method = route.method == .get ? .get : .post
            routed.on(RouterPath(route.path), method: method) { request, context in
                try await respond(route, request, context, services)
            }
        }
        return router
    }

    static func respond(
        _ route: APIRoute, _ request: Request, _ context: APIRequestContext, _ services: APIServices
    ) async throws -> Response {
        try AccessCheck.authorize(
            route.access, principal: context.principal, requireKeyForReads: services.settings.requireKeyForReads)
        guard route.method == .get, let cacheClass = route.cache else {
            let query = try QueryParameters(request, route: route)
            let call = RouteCall(request: request, context: context, query: query, services: services, route: route)
            return try await route.handler(call).response()
        }
        // A hit is looked up before the query is parsed: only successful answers are cached, so
        // an entry exists only for a query that was valid when it was stored.
        let key = cacheKey(request, generation: services.generations.token)
        if let bytes = await services.cache.get(key) {
            return Reply(status: .ok, contentType: JSONWriter.contentType, body: bytes).response(cache: "HIT")
        }
        let query = try QueryParameters(request, route: route)
        let call = RouteCall(request: request, context: context, query: query, services: services, route: route)
        let reply = try await route.handler(call)
        if reply.status == .ok {
            let ttl = cacheClass == .data ? services.settings.dataTTL : services.settings.listTTL
            await services.cache.set(key, reply.body, ttl: ttl)
        }
        return reply.response(cache: "MISS")
    }

    /// The data generation, the path and the raw query string. Parameters in another order are
    /// another entry (the answer is the same); not parsing the query keeps a hit cheap.
    static func cacheKey(_ request: Request, generation: String) -> String {
        "g\(generation):\(request.uri.path)?\(request.uri.query ?? "")"
    }
}
