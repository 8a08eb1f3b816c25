import NIOCore
import NIOTLS

/// Completes a promise when the TLS handshake ends, well or badly.
///
/// Without it a failed handshake would surface as whatever the next step happens to see — an
/// error, or just a closed connection, depending on timing — and be reported as that step's
/// failure; waiting for the handshake itself names the real cause every time.
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct ClosedDuringHandshake: Error, CustomStringConvertible {
        var description: String { "the connection closed during the TLS handshake" }
    }

    private var promise: EventLoopPromise<Void>?

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            promise?.succeed()
            promise = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ClosedDuringHandshake())
        promise = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.fail(ClosedDuringHandshake())
        promise = nil
    }
}
