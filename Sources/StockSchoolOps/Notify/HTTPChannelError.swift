/// A webhook that did not take the notification: the URL, and the HTTP status with the start of
/// the response body (where gateways say why), or the transport error when there was no response.
public struct HTTPChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    public let channel: String
    public let url: String
    /// `nil` when no response arrived (connection refused, timeout, TLS).
    public let status: Int?
    /// The first 200 bytes of the response body, or the transport error.
    public let detail: String

    public init(channel: String, url: String, status: Int?, detail: String) {
        self.channel = channel
        self.url = url
        self.status = status
        self.detail = detail
    }

    public var description: String {
        if let status {
            let body = detail.isEmpty ? "" : ": \(detail)"
            return "\(channel) webhook \(url) answered HTTP \(status)\(body)"
        }
        return "\(channel) webhook \(url) failed: \(detail)"
    }
}
