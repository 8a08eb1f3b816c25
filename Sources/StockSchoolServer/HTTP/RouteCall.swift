import Hummingbird
import NIOCore

/// One call of a route: the request, its context, its validated query, and the services.
struct RouteCall: Sendable {
    let request: Request
    let context: APIRequestContext
    let query: QueryParameters
    let services: APIServices
    let route: APIRoute

    /// A path parameter (always present: the router matched it).
    func path(_ name: String) throws -> String {
        guard let value = context.parameters.get(name) else {
            throw APIError.invalidParameter(name, "missing from the path")
        }
        return value
    }

    /// The JSON body decoded as `T`, at most `ServerSettings.maximumBodyBytes`; 413 above it,
    /// 400 naming the field when it does not decode.
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        let limit = services.settings.maximumBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(
                .contentTooLarge, code: "body_too_large", message: "the request body is larger than \(limit) bytes",
                details: ["limit": String(limit)])
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidBody("a JSON object is required") }
        return try JSONBody.decode(type, from: buffer)
    }
}
