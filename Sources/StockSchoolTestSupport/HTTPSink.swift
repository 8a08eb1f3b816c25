import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 (a free port) that records every request — method, path,
/// headers, body — and answers 200, or a chosen failure status for the first N requests, so a
/// webhook client's payloads, headers and retries can be checked end to end.
public final class HTTPSink: LoopbackTestServer {
    public struct Options: LoopbackTestServerOptions {
        /// How many requests, from the first, get `failureStatus` instead of 200.
        public var failFirst: Int
        public var failureStatus: Int
        public var failureBody: String
        /// The body of a 200 (Slack answers `ok`).
        public var successBody: String
        /// Wait this long before answering, to test client timeouts.
        public var delay: Duration?

        public init() { self.init(failFirst: 0) }

        public init(
            failFirst: Int = 0, failureStatus: Int = 500, failureBody: String = "sink failure",
            successBody: String = "ok",
            delay: Duration? = nil
        ) {
            self.failFirst = failFirst
            self.failureStatus = failureStatus
            self.failureBody = failureBody
            self.successBody = successBody
            self.delay = delay
        }
    }

    public let options: Options
    public let port: Int
    private let channel: any Channel
    private let recorded: NIOLockedValueBox<[HTTPSinkRequest]>

    private init(options: Options, port: Int, channel: any Channel, recorded: NIOLockedValueBox<[HTTPSinkRequest]>) {
        self.options = options
        self.port = port
        self.channel = channel
        self.recorded = recorded
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    public func url(_ path: String = "/") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The requests received so far, in order of arrival.
    public var requests: [HTTPSinkRequest] { recorded.withLockedValue { $0 } }

    public static func start(_ options: Options = Options()) async throws -> HTTPSink {
        let recorded = NIOLockedValueBox<[HTTPSinkRequest]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPSinkHandler(options: options, recorded: recorded))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try await boundPort(channel, what: "HTTP sink")
        return HTTPSink(options: options, port: port, channel: channel, recorded: recorded)
    }

    public func stop() async {
        try? await channel.close()
    }
}

private final class HTTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let options: HTTPSink.Options
    private let recorded: NIOLockedValueBox<[HTTPSinkRequest]>
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(options: HTTPSink.Options, recorded: NIOLockedValueBox<[HTTPSinkRequest]>) {
        self.options = options
        self.recorded = recorded
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var chunk):
            body += chunk.readBytes(length: chunk.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let request = HTTPSinkRequest(
                method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body)
            let index = recorded.withLockedValue { requests in
                requests.append(request)
                return requests.count - 1
            }
            let failing = index < options.failFirst
            let status = HTTPResponseStatus(statusCode: failing ? options.failureStatus : 200)
            let text = failing ? options.failureBody : options.successBody
            let keepAlive = head.isKeepAlive
            if let delay = options.delay {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let (seconds, attoseconds) = delay.components
                let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                context.eventLoop.scheduleTask(in: amount) {
                    let (handler, context) = bound.value
                    handler.respond(context, status: status, text: text, keepAlive: keepAlive)
                }
            } else {
                respond(context, status: status, text: text, keepAlive: keepAlive)
            }
            self.head = nil
        }
    }

    private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, text: String, keepAlive: Bool) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
