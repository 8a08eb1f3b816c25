import NIOCore

/// Commands on their way to the server: encoded as one buffer and flushed once, so a pipeline of
/// a thousand commands costs one write, not a thousand.
struct RedisCommandBatch: Sendable {
    struct Command: Sendable {
        /// The command's first word (`GET`), for error messages; arguments are never shown.
        let name: String
        let arguments: [[UInt8]]
        let promise: EventLoopPromise<RESPValue>
    }

    let commands: [Command]
    /// Each command's deadline, counted from when the batch is written; `nil` waits forever.
    let timeout: Duration?
}

/// Matches replies to commands on one connection. Redis answers the commands of a connection in
/// the order it received them, so a FIFO queue of promises is all the bookkeeping pipelining
/// needs: each reply completes the oldest waiting promise.
///
/// Anything that breaks that order — a reply with nobody waiting, a protocol error, a command
/// that times out (its reply may still arrive later and would be handed to the next command) —
/// fails every waiting command and closes the connection; the client opens a fresh one on its
/// next use. Closing the channel fails whatever is still waiting with `connectionClosed`.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisCommandBatch
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let id: UInt64
        let name: String
        let promise: EventLoopPromise<RESPValue>
        let timer: Scheduled<Void>?
    }

    private let address: String
    private var pending = CircularBuffer<Pending>()
    private var nextID: UInt64 = 0
    /// Set once the connection can take no more commands; later writes fail with it at once.
    private var failure: RedisError?

    init(address: String) {
        self.address = address
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let batch = unwrapOutboundIn(data)
        if let failure {
            for command in batch.commands { command.promise.fail(failure) }
            promise?.fail(failure)
            return
        }
        let size = batch.commands.reduce(0) { total, command in
            total + 16 + command.arguments.reduce(0) { $0 + $1.count + 16 }
        }
        var buffer = context.channel.allocator.buffer(capacity: size)
        let loop = context.eventLoop.assumeIsolated()
        for command in batch.commands {
            buffer.writeRESPCommand(command.arguments)
            nextID &+= 1
            let id = nextID
            let timer = batch.timeout.map { timeout in
                loop.scheduleTask(in: TimeAmount(timeout)) { [weak self] () -> Void in
                    self?.timedOut(id: id, command: command.name, after: timeout, context: context)
                }
            }
            pending.append(Pending(id: id, name: command.name, promise: command.promise, timer: timer))
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let head = pending.popFirst() else {
            fail(.protocolViolation("the server sent a reply no command was waiting for: \(reply)"), context: context)
            return
        }
        head.timer?.cancel()
        head.promise.succeed(reply)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? .connectionClosed(address: address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let redisError =
            error as? RedisError ?? .connectionFailed(address: address, reason: "the connection broke: \(error)")
        fail(redisError, context: context)
    }

    private func timedOut(id: UInt64, command: String, after timeout: Duration, context: ChannelHandlerContext) {
        guard pending.contains(where: { $0.id == id }) else { return }
        fail(.commandTimeout(address: address, command: command, timeout: timeout), context: context)
    }

    private func fail(_ error: RedisError, context: ChannelHandlerContext) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        if failure == nil { failure = error }
        while let waiting = pending.popFirst() {
            waiting.timer?.cancel()
            waiting.promise.fail(error)
        }
    }
}
