import AsyncHTTPClient
import Foundation
import NIOCore

/// One GET against the API, timed: what the manual's `curl -w "%{time_total}" …/api/health` does.
public struct APIProbe: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var latency: Duration

        /// The body as JSON, when it is a JSON object.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let baseURL: String
    public let timeout: Duration

    public init(baseURL: String, timeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    /// GETs `path` (e.g. `/api/health`). Throws when the API does not answer; any HTTP status is
    /// an answer.
    public func get(_ path: String, maxBytes: Int = 16 << 20) async throws -> Answer {
        let clock = ContinuousClock()
        let start = clock.now
        let request = HTTPClientRequest(url: baseURL + path)
        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
        let buffer = try await response.body.collect(upTo: maxBytes)
        return Answer(
            status: Int(response.status.code), body: Array(buffer.readableBytesView), latency: clock.now - start)
    }
}
