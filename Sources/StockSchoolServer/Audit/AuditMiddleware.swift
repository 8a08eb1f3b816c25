import Hummingbird
import NIOCore
import StockSchoolCore
import StockSchoolStore

/// Records every write request (POST, PUT, PATCH, DELETE) in `audit_log`, whatever its outcome:
/// it wraps authentication and rate limiting, so refusals (401, 403, 429) are recorded too.
///
/// The body is read here (at most `maximumBodyBytes`, the routes' own limit) and handed on
/// buffered, so the summary can describe it and the route can still read it. Because this
/// middleware sits outside authentication, it asks the authenticator for the caller once the
/// response is ready — a cache hit, as authentication has just looked the key up. The entry is
/// queued for `AuditWriter` and the response goes out without waiting for the database.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let writer: AuditWriter
    let authenticator: APIKeyAuthenticator
    let maximumBodyBytes: Int

    static let auditedMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard Self.auditedMethods.contains(request.method) else { return try await next(request, context) }
        let clock = ContinuousClock()
        let start = clock.now
        var request = request
        var body: ByteBuffer?
        do {
            do {
                body = try await request.collectBody(upTo: maximumBodyBytes)
            } catch {
                throw APIError(
                    .contentTooLarge, code: "body_too_large",
                    message: "the request body is larger than \(maximumBodyBytes) bytes",
                    details: ["limit": String(maximumBodyBytes)])
            }
            let response = try await next(request, context)
            await record(request, context, body: body, status: Int(response.status.code), duration: clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            await record(request, context, body: body, status: Int(status), duration: clock.now - start)
            throw error
        }
    }

    private func record(
        _ request: Request, _ context: Context, body: ByteBuffer?, status: Int, duration: Duration
    ) async {
        let principal = try? await authenticator.principal(for: request.headers)
        let milliseconds =
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        writer.record(
            AuditEntry(
                at: .now, keyName: principal?.keyName, role: principal?.role.rawValue,
                method: request.method.rawValue, route: MetricsMiddleware.template(context),
                path: SensitiveDataMasking.maskText(request.uri.path),
                status: status, durationMilliseconds: milliseconds, client: context.clientAddress,
                details: RequestSummary.describe(
                    query: request.uri.queryParameters.map { (String($0.key), String($0.value)) }, body: body)))
    }
}
