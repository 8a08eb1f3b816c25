import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Submits mail over SMTP (RFC 5321) on SwiftNIO: one connection per message, which is all an
/// alerting system needs and leaves nothing open between incidents.
///
/// The conversation: greeting, EHLO (HELO for servers without extensions), STARTTLS when the mode
/// asks for it, AUTH PLAIN or LOGIN when a username is set, MAIL FROM, one RCPT TO per recipient,
/// DATA, QUIT. Every refusal becomes an `SMTPError` naming the step, the server and its reply.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    private let eventLoopGroup: any EventLoopGroup

    public init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
    }

    public func send(_ message: SMTPMessage) async throws(SMTPError) {
        let settings = self.settings
        let tlsContext = settings.tls == .none ? nil : try SMTPTLS.context(settings)
        let (channel, handshake) = try await connect(implicitTLS: settings.tls == .tls ? tlsContext : nil)
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    inbound: inbound, outbound: outbound, channel: channel.channel, server: settings.server)
                if let handshake { try await session.waitForHandshake(handshake) }
                try await converse(&session, message: message, tlsContext: tlsContext)
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError(stage: .connect, server: settings.server, detail: "\(error)")
        }
    }

    private func converse(
        _ session: inout SMTPSession, message: SMTPMessage, tlsContext: NIOSSLContext?
    ) async throws(SMTPError) {
        let greeting = try await session.reply(.greeting)
        guard greeting.code == 220 else {
            throw SMTPError(stage: .greeting, server: settings.server, reply: greeting)
        }
        var capabilities = try await hello(&session)
        if settings.tls == .starttls, let tlsContext {
            guard capabilities.startTLS else {
                throw SMTPError(
                    stage: .starttls, server: settings.server,
                    detail: "the server does not offer STARTTLS, which alerts.email.tls: starttls requires"
                        + " (use tls for an SMTPS port such as 465, or none only for a relay on a trusted network)")
            }
            try await session.command("STARTTLS", stage: .starttls, accepted: [220])
            try await session.startTLS(context: tlsContext, serverHostname: SMTPTLS.serverHostname(settings.host))
            // RFC 3207 §4.2: forget what was said in clear and ask again over TLS.
            capabilities = try await hello(&session)
        }
        if let username = settings.username {
            try await authenticate(&session, username: username, password: settings.password ?? "", capabilities)
        }
        let eightBit = capabilities.eightBitMIME
        let encoding = message.transferEncoding(eightBitAllowed: eightBit)
        let body = encoding == .eightBit ? " BODY=8BITMIME" : ""
        try await session.command("MAIL FROM:<\(message.envelopeFrom)>\(body)", stage: .mailFrom)
        for recipient in message.envelopeRecipients {
            try await session.command(
                "RCPT TO:<\(recipient)>", stage: .rcptTo, accepted: [250, 251], detail: "<\(recipient)>")
        }
        try await session.command("DATA", stage: .data, accepted: [354])
        try await session.write(
            SMTPDataStuffing.wireBytes(message.rendered(eightBitAllowed: eightBit)), stage: .message)
        let accepted = try await session.reply(.message)
        guard accepted.code == 250 else {
            throw SMTPError(stage: .message, server: settings.server, reply: accepted)
        }
        // The message is accepted; a server that fumbles the goodbye has still taken it.
        _ = try? await session.command("QUIT", stage: .message, accepted: [221])
    }

    /// EHLO, falling back to HELO when the server does not know EHLO (a 5xx reply).
    private func hello(_ session: inout SMTPSession) async throws(SMTPError) -> SMTPCapabilities {
        let reply = try await session.command(
            "EHLO \(settings.clientName)", stage: .ehlo, accepted: Set(200..<600))
        if reply.code == 250 { return SMTPCapabilities(ehlo: reply) }
        guard (500..<600).contains(reply.code) else {
            throw SMTPError(stage: .ehlo, server: settings.server, reply: reply)
        }
        try await session.command("HELO \(settings.clientName)", stage: .helo)
        return .none
    }

    /// AUTH PLAIN when offered (one round trip), else AUTH LOGIN (RFC 4616; the LOGIN draft).
    private func authenticate(
        _ session: inout SMTPSession, username: String, password: String, _ capabilities: SMTPCapabilities
    ) async throws(SMTPError) {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if capabilities.authMechanisms.contains("PLAIN") {
            try await session.command(
                "AUTH PLAIN \(base64("\0\(username)\0\(password)"))", stage: .auth, accepted: [235])
        } else if capabilities.authMechanisms.contains("LOGIN") {
            try await session.command("AUTH LOGIN", stage: .auth, accepted: [334])
            try await session.command(base64(username), stage: .auth, accepted: [334])
            try await session.command(base64(password), stage: .auth, accepted: [235])
        } else {
            let offered = capabilities.authMechanisms.sorted().joined(separator: " ")
            let detail =
                offered.isEmpty
                ? "a username is set but the server offers no AUTH"
                    + (settings.tls == .none ? " (many servers offer it only over TLS)" : "")
                : "the server offers AUTH \(offered) but neither PLAIN nor LOGIN"
            throw SMTPError(stage: .auth, server: settings.server, detail: detail)
        }
    }

    /// Connects, with TLS from the start when `implicitTLS` is given; the future then completes
    /// with the handshake.
    private func connect(
        implicitTLS: NIOSSLContext?
    ) async throws(SMTPError) -> (NIOAsyncChannel<SMTPReply, ByteBuffer>, EventLoopFuture<Void>?) {
        let timeout = settings.timeout
        let timeoutAmount = settings.timeoutAmount
        let serverHostname = SMTPTLS.serverHostname(settings.host)
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(timeoutAmount)
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        var handshake: EventLoopFuture<Void>?
                        if let implicitTLS {
                            let promise = channel.eventLoop.makePromise(of: Void.self)
                            try pipeline.addHandler(
                                NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                            try pipeline.addHandler(TLSHandshakeWatcher(promise: promise))
                            handshake = promise.futureResult
                        }
                        try pipeline.addHandler(IdleStateHandler(readTimeout: timeoutAmount))
                        try pipeline.addHandler(SMTPReadTimeoutHandler(timeout: timeout))
                        try pipeline.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        let asyncChannel = try NIOAsyncChannel<SMTPReply, ByteBuffer>(
                            wrappingChannelSynchronously: channel)
                        return (asyncChannel, handshake)
                    }
                }
        } catch {
            throw SMTPError(stage: .connect, server: settings.server, detail: "\(error)")
        }
    }
}
