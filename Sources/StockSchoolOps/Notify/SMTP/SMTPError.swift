/// Why a message was not delivered: the stage of the SMTP conversation, the server, and either the
/// server's reply (`SMTP AUTH rejected by mail.example.com:587: 535 5.7.8 bad credentials`) or
/// what went wrong on the way (a refused connection, a certificate that does not verify).
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step of the conversation that failed, named as the protocol names it.
    public enum Stage: String, Sendable, Equatable {
        case connect
        case greeting
        case ehlo = "EHLO"
        case helo = "HELO"
        case starttls = "STARTTLS"
        case tls = "TLS handshake"
        case auth = "AUTH"
        case mailFrom = "MAIL FROM"
        case rcptTo = "RCPT TO"
        case data = "DATA"
        /// The end of the message data, where the server accepts or refuses the message itself.
        case message = "message"
    }

    public let stage: Stage
    /// `host:port`.
    public let server: String
    /// The server's reply when it refused; `nil` when the failure was not a reply.
    public let reply: SMTPReply?
    /// What failed when there is no reply, or what the step was about (`<ops@example.com>`).
    public let detail: String

    public init(stage: Stage, server: String, reply: SMTPReply? = nil, detail: String = "") {
        self.stage = stage
        self.server = server
        self.reply = reply
        self.detail = detail
    }

    /// The reply code, or `nil` when the server did not reply.
    public var code: Int? { reply?.code }

    public var description: String {
        if let reply {
            let step = detail.isEmpty ? stage.rawValue : "\(stage.rawValue) \(detail)"
            return "SMTP \(step) rejected by \(server): \(reply)"
        }
        return "SMTP \(stage.rawValue) with \(server) failed: \(detail)"
    }
}
