import Hummingbird

/// Counts and times every request by route template (`/api/v1/stocks/{ts_code}/daily`, never
/// the concrete path, so the series stay few), method and status.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: APIMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        metrics.started()
        do {
            let response = try await next(request, context)
            metrics.finished(
                route: Self.template(context), method: request.method.rawValue, status: response.status.code,
                duration: clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.finished(
                route: Self.template(context), method: request.method.rawValue, status: status,
                duration: clock.now - start)
            throw error
        }
    }

    /// The matched route's template with Hummingbird's `{name}` captures; `unmatched` for 404s.
    static func template(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound", path != "/NotFound" else { return "unmatched" }
        return path.hasPrefix("/") ? path : "/" + path
    }
}
