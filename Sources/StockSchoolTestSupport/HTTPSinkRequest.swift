import Foundation

/// One request an `HTTPSink` received.
public struct HTTPSinkRequest: Sendable {
    public let method: String
    /// The request target (`/hooks/sms?x=1`).
    public let path: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as a JSON object, with Foundation's parser rather than the code under test.
    public func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw MissingTestServer(description: "the body is JSON but not an object: \(bodyText)")
        }
        return object
    }
}
