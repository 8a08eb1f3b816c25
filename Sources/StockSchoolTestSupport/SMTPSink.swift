import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A real SMTP server on 127.0.0.1 (a free port) that accepts mail into memory, for testing an
/// SMTP client end to end: EHLO with STARTTLS and AUTH advertised as configured, STARTTLS or
/// implicit TLS with a certificate, AUTH PLAIN and LOGIN checked against one user, MAIL, RCPT,
/// DATA and QUIT. It can be told to refuse AUTH or to answer DATA with an error.
public final class SMTPSink: LoopbackTestServer {
    public struct Options: LoopbackTestServerOptions {
        /// Offer STARTTLS with this certificate (or, with `implicitTLS`, speak TLS from the start).
        public var certificates: TestCertificates?
        public var implicitTLS: Bool
        /// When set, AUTH is advertised and mail is refused (530) until the client logs in as this.
        public var username: String?
        public var password: String?
        /// The mechanisms advertised after `AUTH`.
        public var authMechanisms: [String]
        /// Refuse every login with `535 5.7.8 bad credentials`, whatever the password.
        public var rejectAuth: Bool
        /// Answer the DATA command with this instead of 354 (e.g. 451 for a transient failure).
        public var dataReply: String?
        public var eightBitMIME: Bool
        /// `false`: answer EHLO with 502, like a server that only knows HELO.
        public var ehlo: Bool

        public init() { self.init(certificates: nil) }

        public init(
            certificates: TestCertificates? = nil, implicitTLS: Bool = false, username: String? = nil,
            password: String? = nil, authMechanisms: [String] = ["PLAIN", "LOGIN"], rejectAuth: Bool = false,
            dataReply: String? = nil, eightBitMIME: Bool = true, ehlo: Bool = true
        ) {
            self.certificates = certificates
            self.implicitTLS = implicitTLS
            self.username = username
            self.password = password
            self.authMechanisms = authMechanisms
            self.rejectAuth = rejectAuth
            self.dataReply = dataReply
            self.eightBitMIME = eightBitMIME
            self.ehlo = ehlo
        }
    }

    public let options: Options
    public let port: Int
    public var host: String { "127.0.0.1" }
    private let channel: any Channel
    private let state: NIOLockedValueBox<Recorded>

    struct Recorded {
        var messages: [SMTPSinkMessage] = []
        var commands: [String] = []
    }

    private init(options: Options, port: Int, channel: any Channel, state: NIOLockedValueBox<Recorded>) {
        self.options = options
        self.port = port
        self.channel = channel
        self.state = state
    }

    /// The messages accepted so far, in order.
    public var messages: [SMTPSinkMessage] { state.withLockedValue { $0.messages } }

    /// Every command line received (AUTH payloads included: these are test credentials), in order.
    public var commands: [String] { state.withLockedValue { $0.commands } }

    public static func start(_ options: Options = Options()) async throws -> SMTPSink {
        let state = NIOLockedValueBox(Recorded())
        let tlsContext: NIOSSLContext?
        if let certificates = options.certificates {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.certificateFile).map {
                    .certificate($0)
                },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.keyFile, format: .pem)))
            tlsContext = try NIOSSLContext(configuration: configuration)
        } else {
            tlsContext = nil
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if options.implicitTLS, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPSinkHandler(options: options, tlsContext: tlsContext, state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try await boundPort(channel, what: "SMTP sink")
        return SMTPSink(options: options, port: port, channel: channel, state: state)
    }

    public func stop() async {
        try? await channel.close()
    }
}

/// One connection's side of the conversation.
private final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode {
        case command
        case data
        case authPlain
        case authLoginUser
        case authLoginPassword(user: String)
    }

    private let options: SMTPSink.Options
    private let tlsContext: NIOSSLContext?
    private let state: NIOLockedValueBox<SMTPSink.Recorded>
    private var buffer: [UInt8] = []
    private var mode = Mode.command
    private var overTLS: Bool
    private var user: String?
    private var from: String?
    private var mailParameters: [String] = []
    private var recipients: [String] = []
    private var dataLines: [[UInt8]] = []

    init(options: SMTPSink.Options, tlsContext: NIOSSLContext?, state: NIOLockedValueBox<SMTPSink.Recorded>) {
        self.options = options
        self.tlsContext = tlsContext
        self.state = state
        self.overTLS = options.implicitTLS && tlsContext != nil
    }

    func channelActive(context: ChannelHandlerContext) {
        reply(context, "220 sink.test ESMTP StockSchool test sink")
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer += bytes.readBytes(length: bytes.readableBytes) ?? []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            handle(context, line)
            if !context.channel.isActive { return }
        }
    }

    private func handle(_ context: ChannelHandlerContext, _ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        switch mode {
        case .data:
            if line == [UInt8(ascii: ".")] {
                finishMessage(context)
            } else {
                dataLines.append(line)
            }
            return
        case .authPlain:
            mode = .command
            checkPlain(context, text)
            return
        case .authLoginUser:
            let user = Self.base64(text) ?? ""
            mode = .authLoginPassword(user: user)
            reply(context, "334 UGFzc3dvcmQ6")
            return
        case .authLoginPassword(let user):
            mode = .command
            check(context, user: user, password: Self.base64(text) ?? "")
            return
        case .command:
            break
        }
        state.withLockedValue { $0.commands.append(text) }
        let verb = text.prefix(while: { $0 != " " && $0 != ":" }).uppercased()
        let argument = text.drop(while: { $0 != " " && $0 != ":" }).dropFirst().drop(while: { $0 == " " })
        switch verb {
        case "EHLO":
            guard options.ehlo else { return reply(context, "502 5.5.1 EHLO not implemented") }
            resetTransaction()
            var lines = ["sink.test greets \(argument)"]
            if tlsContext != nil && !overTLS { lines.append("STARTTLS") }
            if options.username != nil || options.rejectAuth {
                lines.append("AUTH " + options.authMechanisms.joined(separator: " "))
            }
            if options.eightBitMIME { lines.append("8BITMIME") }
            lines.append("SIZE 10485760")
            let reply = lines.enumerated().map { index, line in
                "250\(index == lines.count - 1 ? " " : "-")\(line)"
            }
            self.reply(context, reply.joined(separator: "\r\n"))
        case "HELO":
            resetTransaction()
            reply(context, "250 sink.test")
        case "STARTTLS":
            guard let tlsContext, !overTLS else { return reply(context, "502 5.5.1 STARTTLS not available") }
            reply(context, "220 2.0.0 Ready to start TLS")
            // Anything the client sent after STARTTLS in clear is discarded (RFC 3207 §6).
            buffer = []
            overTLS = true
            user = nil
            resetTransaction()
            do {
                try context.pipeline.syncOperations.addHandler(
                    NIOSSLServerHandler(context: tlsContext), position: .first)
            } catch {
                context.close(promise: nil)
            }
        case "AUTH":
            let parts = argument.split(separator: " ")
            let mechanism = parts.first?.uppercased() ?? ""
            guard options.username != nil || options.rejectAuth,
                options.authMechanisms.contains(mechanism)
            else { return reply(context, "504 5.5.4 mechanism not supported") }
            if mechanism == "PLAIN" {
                if parts.count > 1 {
                    checkPlain(context, String(parts[1]))
                } else {
                    mode = .authPlain
                    reply(context, "334 ")
                }
            } else {
                mode = .authLoginUser
                reply(context, "334 VXNlcm5hbWU6")
            }
        case "MAIL":
            if options.username != nil && user == nil { return reply(context, "530 5.7.0 Authentication required") }
            let words = argument.split(separator: " ")
            from = Self.angleAddress(words.first.map(String.init) ?? "")
            mailParameters = words.dropFirst().map(String.init)
            recipients = []
            reply(context, "250 2.1.0 OK")
        case "RCPT":
            guard from != nil else { return reply(context, "503 5.5.1 MAIL first") }
            recipients.append(Self.angleAddress(String(argument)))
            reply(context, "250 2.1.5 OK")
        case "DATA":
            if let dataReply = options.dataReply { return reply(context, dataReply) }
            guard !recipients.isEmpty else { return reply(context, "503 5.5.1 RCPT first") }
            mode = .data
            dataLines = []
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            resetTransaction()
            reply(context, "250 2.0.0 OK")
        case "NOOP":
            reply(context, "250 2.0.0 OK")
        case "QUIT":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 2.0.0 Bye\r\n"))).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            reply(context, "500 5.5.2 unknown command")
        }
    }

    private func finishMessage(_ context: ChannelHandlerContext) {
        mode = .command
        let unstuffed = dataLines.map { line in line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line }
        let message = SMTPSinkMessage(
            envelopeFrom: from ?? "", recipients: recipients, mailParameters: mailParameters,
            data: unstuffed.map { String(decoding: $0, as: UTF8.self) + "\r\n" }.joined(),
            wireLines: dataLines.map { String(decoding: $0, as: UTF8.self) }, overTLS: overTLS, authenticatedUser: user)
        state.withLockedValue { $0.messages.append(message) }
        resetTransaction()
        reply(context, "250 2.0.0 OK queued")
    }

    private func checkPlain(_ context: ChannelHandlerContext, _ encoded: String) {
        // authzid NUL authcid NUL password (RFC 4616).
        let parts = (Self.base64(encoded) ?? "").split(separator: "\0", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return reply(context, "501 5.5.2 malformed AUTH PLAIN") }
        check(context, user: String(parts[1]), password: String(parts[2]))
    }

    private func check(_ context: ChannelHandlerContext, user: String, password: String) {
        guard !options.rejectAuth, user == options.username, password == options.password else {
            return reply(context, "535 5.7.8 bad credentials")
        }
        self.user = user
        reply(context, "235 2.7.0 Authentication successful")
    }

    private func resetTransaction() {
        from = nil
        mailParameters = []
        recipients = []
        dataLines = []
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }

    private static func base64(_ text: String) -> String? {
        Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `FROM:<a@b>` or `<a@b>` → `a@b`.
    private static func angleAddress(_ text: String) -> String {
        var value = Substring(text)
        if let colon = value.firstIndex(of: ":"), value[..<colon].allSatisfy(\.isLetter) {
            value = value[value.index(after: colon)...]
        }
        return String(
            value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
    }
}
