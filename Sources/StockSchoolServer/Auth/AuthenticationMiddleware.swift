import Hummingbird

/// Sets `context.principal` from `Authorization: Bearer <key>`. A request without the header
/// goes on as anonymous, and the route's access check decides (401 where a key is needed); a
/// request whose header is malformed or names an unknown or revoked key is refused here with 401,
/// whatever the route, so a mistyped key is never silently treated as no key.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let authenticator: APIKeyAuthenticator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let principal = try await authenticator.principal(for: request.headers) else {
            return try await next(request, context)
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
