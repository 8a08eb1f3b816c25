import Foundation
import NIOCore

/// Decodes request bodies, turning `DecodingError` into a message that names the field.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw APIError.invalidBody("is required", field: path(context.codingPath + [key]))
            case .typeMismatch(let expected, let context):
                throw APIError.invalidBody("should be \(describe(expected))", field: path(context.codingPath))
            case .valueNotFound(let expected, let context):
                throw APIError.invalidBody("should be \(describe(expected)), not null", field: path(context.codingPath))
            case .dataCorrupted(let context):
                if context.codingPath.isEmpty { throw APIError.invalidBody("the body is not valid JSON") }
                throw APIError.invalidBody(context.debugDescription, field: path(context.codingPath))
            @unknown default:
                throw APIError.invalidBody("the body does not match the route's schema")
            }
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }
}
