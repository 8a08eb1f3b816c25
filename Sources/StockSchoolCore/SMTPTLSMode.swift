/// How an SMTP connection is protected (`alerts.email.tls`).
///
/// There is deliberately no "STARTTLS if offered" mode: a man in the middle can strip the offer,
/// and the alert, with its hostnames and the SMTP password, would then travel in clear.
public enum SMTPTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Plain connect, then `STARTTLS`, which the server must offer (submission, port 587).
    case starttls
    /// TLS from the first byte (SMTPS, port 465).
    case tls
    /// No TLS at all: only for a relay on the same host or a trusted network.
    case none
}
