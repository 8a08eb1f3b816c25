import HTTPTypes
import Hummingbird
import NIOCore

/// Every error the API answers with, in one shape: `{"error": {"code", "message", "details"}}`.
/// `code` is stable for programs, `message` is for people and names what is wrong and where,
/// `details` carries the offending parameter or the failing check.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [String: String]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, details: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// A query or path parameter that is missing, malformed or out of range.
    public static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(
            .badRequest, code: "invalid_parameter", message: "\(name): \(reason)", details: ["parameter": name])
    }

    /// A request body that is not what the route takes.
    public static func invalidBody(_ reason: String, field: String? = nil) -> APIError {
        APIError(
            .badRequest, code: "invalid_body", message: field.map { "\($0): \(reason)" } ?? reason,
            details: field.map { ["field": $0] } ?? [:])
    }

    public static func notFound(_ message: String, details: [String: String] = [:]) -> APIError {
        APIError(.notFound, code: "not_found", message: message, details: details)
    }

    public static func notImplemented(_ message: String) -> APIError {
        APIError(.notImplemented, code: "not_implemented", message: message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter()
        writer.object { o in
            o.field("error") { e in
                e.object { body in
                    body.field("code", code)
                    body.field("message", message)
                    body.field("details") { d in
                        d.object { fields in
                            for key in details.keys.sorted() { fields.field(key, details[key] ?? "") }
                        }
                    }
                }
            }
        }
        var headers = headers
        headers[.contentType] = JSONWriter.contentType
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}
