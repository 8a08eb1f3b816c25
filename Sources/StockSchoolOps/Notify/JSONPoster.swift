import AsyncHTTPClient
import Foundation
import NIOCore

/// POSTs a JSON body and checks the status: what every webhook channel does.
struct JSONPoster: Sendable {
    let channel: String
    let url: String
    let headers: [(name: String, value: String)]
    let timeout: Duration
    let client: HTTPClient
    /// Slack's webhook answers exactly 200 `ok`; generic receivers may answer any 2xx.
    let accepts: @Sendable (Int) -> Bool

    /// How much of an error response's body an error quotes: enough for a gateway's reason,
    /// not so much that a returned HTML page floods the log.
    static let quotedBodyBytes = 200

    func post(_ body: [UInt8]) async throws(HTTPChannelError) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "StockSchool-Alerts")
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let (seconds, attoseconds) = timeout.components
        let deadline = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(request, timeout: deadline)
            let status = Int(response.status.code)
            if accepts(status) {
                // Drain the body so the connection can go back to the pool.
                _ = try? await response.body.collect(upTo: 1 << 20)
                return
            }
            var text = ""
            if let bytes = try? await response.body.collect(upTo: 1 << 20) {
                text = Self.quote(Array(bytes.readableBytesView))
            }
            throw HTTPChannelError(channel: channel, url: url, status: status, detail: text)
        } catch let error as HTTPChannelError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw HTTPChannelError(channel: channel, url: url, status: nil, detail: "no response within \(timeout)")
        } catch {
            throw HTTPChannelError(channel: channel, url: url, status: nil, detail: "\(error)")
        }
    }

    /// The first `quotedBodyBytes` bytes, shortened to a character boundary so Chinese text is
    /// not cut into a replacement character.
    static func quote(_ bytes: [UInt8]) -> String {
        var end = min(bytes.count, quotedBodyBytes)
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// `JSONEncoder` settings shared by the channels: sorted keys so a payload is the same bytes
    /// every time (diffable, testable), and `/` left alone so URLs stay readable.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
