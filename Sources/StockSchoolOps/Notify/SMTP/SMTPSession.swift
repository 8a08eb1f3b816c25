import NIOCore
import NIOSSL

/// One SMTP conversation on an open connection: send a command, read the reply, check its code,
/// and turn anything unexpected into an `SMTPError` that names the step.
struct SMTPSession {
    private var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    let server: String

    init(
        inbound: NIOAsyncChannelInboundStream<SMTPReply>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel, server: String
    ) {
        self.replies = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.channel = channel
        self.server = server
    }

    /// Reads the next reply; a closed connection, a timeout or a TLS failure is an error of `stage`
    /// (or of the TLS handshake, when TLS is what failed).
    mutating func reply(_ stage: SMTPError.Stage) async throws(SMTPError) -> SMTPReply {
        do {
            guard let reply = try await replies.next() else {
                throw SMTPError(stage: stage, server: server, detail: "the server closed the connection")
            }
            return reply
        } catch let error as SMTPError {
            throw error
        } catch {
            throw failure(stage, error)
        }
    }

    /// Sends `line` and reads the reply, which must have one of the `accepted` codes.
    @discardableResult
    mutating func command(
        _ line: String, stage: SMTPError.Stage, accepted: Set<Int> = [250], detail: String = ""
    ) async throws(SMTPError) -> SMTPReply {
        try await write(Array((line + "\r\n").utf8), stage: stage)
        let reply = try await reply(stage)
        guard accepted.contains(reply.code) else {
            throw SMTPError(stage: stage, server: server, reply: reply, detail: detail)
        }
        return reply
    }

    /// Sends raw bytes (the message data) without reading a reply.
    func write(_ bytes: [UInt8], stage: SMTPError.Stage) async throws(SMTPError) {
        do {
            try await outbound.write(ByteBuffer(bytes: bytes))
        } catch {
            throw failure(stage, error)
        }
    }

    /// Starts TLS on the open connection after the server's `220` to STARTTLS and waits for the
    /// handshake. The handler goes nearest the socket, so everything after it — the reply
    /// decoder, the timeout — sees plain text as before.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(SMTPError) {
        let channel = self.channel
        let handshake: EventLoopFuture<Void>
        do {
            handshake = try await channel.eventLoop.submit {
                let promise = channel.eventLoop.makePromise(of: Void.self)
                let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                try channel.pipeline.syncOperations.addHandler(
                    TLSHandshakeWatcher(promise: promise), position: .after(handler))
                return promise.futureResult
            }.get()
        } catch {
            throw failure(.tls, error)
        }
        try await waitForHandshake(handshake)
    }

    /// Waits for the TLS handshake that `handshake` completes (`TLSHandshakeWatcher`).
    func waitForHandshake(_ handshake: EventLoopFuture<Void>) async throws(SMTPError) {
        do {
            try await handshake.get()
        } catch {
            throw failure(.tls, error)
        }
    }

    private func failure(_ stage: SMTPError.Stage, _ error: any Error) -> SMTPError {
        if SMTPTLS.isTLSError(error) {
            return SMTPError(
                stage: .tls, server: server,
                detail: "\(error) (is the server's certificate issued for this host by a CA the system trusts,"
                    + " or by the one in alerts.email.ca_file?)")
        }
        return SMTPError(stage: stage, server: server, detail: "\(error)")
    }
}
