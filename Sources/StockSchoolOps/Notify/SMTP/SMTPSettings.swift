import NIOCore
import StockSchoolCore

/// Where and how to submit mail: the server, its TLS mode, and the login if it wants one.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var tls: SMTPTLSMode
    /// Set to log in (AUTH PLAIN or LOGIN, whichever the server offers); `nil` sends anonymously,
    /// as a relay on the same host usually expects.
    public var username: String?
    public var password: String?
    /// A PEM file of CA certificates trusted besides the system's: a private relay's CA, or a
    /// test's self-signed one. Certificates are always verified; there is no switch to turn that off.
    public var caFile: String?
    /// The limit on connecting and on waiting for each reply. A mail server that stalls must not
    /// hold the alert pipeline, whose other channels are waiting behind it.
    public var timeout: Duration
    /// The name given in EHLO. RFC 5321 asks for the client's domain; servers check it at most
    /// against reverse DNS, which an alerting host rarely has.
    public var clientName: String

    public init(
        host: String, port: Int = 587, tls: SMTPTLSMode = .starttls, username: String? = nil, password: String? = nil,
        caFile: String? = nil, timeout: Duration = .seconds(30), clientName: String = "localhost"
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeout = timeout
        self.clientName = clientName
    }

    /// `host:port`, as errors name the server.
    public var server: String { "\(host):\(port)" }

    var timeoutAmount: TimeAmount {
        let (seconds, attoseconds) = timeout.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
