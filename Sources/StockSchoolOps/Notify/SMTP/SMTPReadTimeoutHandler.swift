import NIOCore

/// Turns `IdleStateHandler`'s read event into an error that ends the conversation, so a server
/// that accepts the connection and then says nothing fails the send instead of hanging it.
final class SMTPReadTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct Timeout: Error, CustomStringConvertible {
        let after: Duration
        var description: String { "no reply within \(after)" }
    }

    private let timeout: Duration

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(Timeout(after: timeout))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
