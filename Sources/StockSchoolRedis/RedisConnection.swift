import NIOCore
import NIOPosix

/// One TCP connection to a Redis server, authenticated and on the configured database.
///
/// Commands are pipelined: `send` and `pipeline` may be called from many tasks at once, every
/// command goes out as soon as it is issued, and replies are matched to commands in order. A
/// connection that failed (closed by the server, timed out, broke the protocol) stays failed —
/// `isOpen` turns false and every later command throws — and `RedisClient` replaces it.
///
/// Blocking commands (`BLPOP`, `SUBSCRIBE`, …) would hold up every command behind them and are
/// not meant for this connection.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    private let channel: any Channel

    private init(configuration: RedisConfiguration, channel: any Channel) {
        self.configuration = configuration
        self.channel = channel
    }

    /// Connects, then authenticates (`AUTH`) and selects the database (`SELECT`) as
    /// `configuration` asks. Throws `RedisError`: `connectionFailed` (naming host:port) when
    /// nothing listens there, `connectTimeout`, `authenticationFailed` for a wrong password.
    public static func connect(
        _ configuration: RedisConfiguration,
        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) async throws -> RedisConnection {
        let address = configuration.address
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPDecoder()),
                        RedisCommandHandler(address: address)
                    )
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw connectError(error, configuration: configuration)
        }
        let connection = RedisConnection(configuration: configuration, channel: channel)
        do {
            try await connection.handshake()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Whether the connection can still carry commands.
    public var isOpen: Bool { channel.isActive }

    /// Sends one command and waits for its reply. An error reply throws `RedisError.server` with
    /// the server's message; `timeout` overrides the configured command timeout.
    public func send(_ command: [any RedisArgument], timeout: Duration? = nil) async throws -> RESPValue {
        let reply = try await pipeline([command], timeout: timeout)[0]
        if case .error(let message) = reply {
            throw RedisError.server(address: configuration.address, command: Self.name(of: command), message: message)
        }
        return reply
    }

    /// Sends `commands` in one write and returns their replies in the same order. Error replies
    /// stay in place as `.error` values, so one refused command does not hide the others'
    /// results; a lost connection or a timeout throws.
    public func pipeline(_ commands: [[any RedisArgument]], timeout: Duration? = nil) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let eventLoop = channel.eventLoop
        let batch = RedisCommandBatch(
            commands: commands.map { command in
                RedisCommandBatch.Command(
                    name: Self.name(of: command), arguments: command.map(\.redisBytes),
                    promise: eventLoop.makePromise(of: RESPValue.self))
            },
            timeout: timeout ?? configuration.commandTimeout
        )
        let address = configuration.address
        channel.writeAndFlush(batch).whenFailure { error in
            // The channel closed before the handler saw the batch; nothing else will answer these.
            let failure = error as? RedisError ?? .connectionClosed(address: address)
            for command in batch.commands { command.promise.fail(failure) }
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(batch.commands.count)
        for command in batch.commands {
            do {
                replies.append(try await command.promise.futureResult.get())
            } catch let error as RedisError {
                throw error
            } catch {
                throw RedisError.connectionClosed(address: address)
            }
        }
        return replies
    }

    /// Closes the connection; commands still waiting fail with `connectionClosed`.
    public func close() async {
        try? await channel.close()
    }

    private func handshake() async throws {
        if let password = configuration.password {
            let command: [any RedisArgument] =
                configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            do {
                _ = try await send(command)
            } catch RedisError.server(let address, _, let message) {
                throw RedisError.authenticationFailed(address: address, message: message)
            }
        }
        if configuration.database != 0 {
            _ = try await send(["SELECT", configuration.database])
        }
    }

    static func name(of command: [any RedisArgument]) -> String {
        command.first.map { String(decoding: $0.redisBytes, as: UTF8.self).uppercased() } ?? "(empty command)"
    }

    private static func connectError(_ error: any Error, configuration: RedisConfiguration) -> RedisError {
        let address = configuration.address
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .connectTimeout(address: address, timeout: configuration.connectTimeout)
        }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, let dnsError = error.dnsAError ?? error.dnsAAAAError {
                return .connectionFailed(
                    address: address, reason: "cannot resolve host '\(configuration.host)' (\(dnsError))")
            }
            if let first = error.connectionErrors.first {
                return connectError(first.error, configuration: configuration)
            }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return .connectionFailed(
                address: address, reason: "connection refused — is redis-server running and listening on \(address)?")
        }
        return .connectionFailed(address: address, reason: "\(error)")
    }
}
