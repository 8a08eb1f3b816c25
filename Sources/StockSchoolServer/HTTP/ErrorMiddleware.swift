import Hummingbird
import Logging
import StockSchoolCore

/// Gives every failure the API's error shape: Hummingbird's own errors (unknown route, body too
/// large) keep their status, a user's bad argument caught deeper down becomes a 400 naming it,
/// and anything else is a 500 whose details are logged, not sent.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw Self.translate(error, request: request)
        } catch let error as StockSchoolError {
            switch error {
            case .invalidTSCode, .invalidTradeDate, .invalidDateRange, .invalidArgument, .dateOutsideCalendar:
                throw APIError(.badRequest, code: "invalid_argument", message: error.description)
            default:
                context.logger.error("request failed", metadata: ["error": "\(error)"])
                throw APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
            }
        } catch is CancellationError {
            throw APIError(.serviceUnavailable, code: "cancelled", message: "the server is shutting down")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
        }
    }

    static func translate(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            return APIError.notFound(
                "no route \(request.method.rawValue) \(request.uri.path); see /openapi.json for the routes",
                details: ["path": request.uri.path])
        case .contentTooLarge:
            return APIError(
                .contentTooLarge, code: "body_too_large", message: error.body ?? "the request body is too large")
        case .methodNotAllowed:
            return APIError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.uri.path)")
        default:
            return APIError(
                error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                message: error.body ?? error.status.reasonPhrase)
        }
    }
}
