import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Redis client over a small pool of pipelined connections.
///
/// Connections open lazily, on first use, and commands are spread over them round-robin; each
/// connection pipelines, so the pool never makes a caller wait for another caller's reply. A
/// connection that fails is replaced on the next command that lands on its slot — there is no
/// background reconnect loop, so a client whose server is gone costs nothing until it is used.
///
/// Every error thrown is a `RedisError`. Call `shutdown()` before dropping the client.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let state: NIOLockedValueBox<State>

    private enum Slot {
        case idle
        case connecting(Task<RedisConnection, any Error>)
        case ready(RedisConnection)
    }

    private struct State {
        var slots: [Slot]
        var next = 0
        var isShutDown = false
    }

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.state = NIOLockedValueBox(State(slots: Array(repeating: .idle, count: max(1, configuration.poolSize))))
    }

    /// A client for `redis://[[user]:password@]host[:port][/db]`, with the default pool size and
    /// timeouts; throws `RedisError.invalidURL`.
    public convenience init(
        url: String, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.init(configuration: try RedisConfiguration(url: url), eventLoopGroup: eventLoopGroup)
    }

    /// Sends one command; an error reply throws `RedisError.server` with the server's message.
    /// `timeout` overrides the configured command timeout for this command.
    public func send(_ command: [any RedisArgument], timeout: Duration? = nil) async throws -> RESPValue {
        try await connection().send(command, timeout: timeout)
    }

    /// Sends `commands` in one write on one connection and returns their replies in order, error
    /// replies in place as `.error` values.
    public func pipeline(_ commands: [[any RedisArgument]], timeout: Duration? = nil) async throws -> [RESPValue] {
        try await connection().pipeline(commands, timeout: timeout)
    }

    /// Closes every connection; later commands throw `RedisError.clientShutDown`.
    public func shutdown() async {
        let slots = state.withLockedValue { state in
            state.isShutDown = true
            defer { state.slots = state.slots.map { _ in .idle } }
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .idle: break
            case .ready(let connection): await connection.close()
            case .connecting(let task): await (try? task.value)?.close()
            }
        }
    }

    private enum Lease {
        case use(RedisConnection)
        case wait(Task<RedisConnection, any Error>, slot: Int)
    }

    /// The connection of the next slot, opening it if the slot is empty or its connection failed.
    /// Callers that land on a slot being connected share that one attempt.
    func connection() async throws -> RedisConnection {
        let lease = try state.withLockedValue { state throws -> Lease in
            guard !state.isShutDown else { throw RedisError.clientShutDown }
            let index = state.next % state.slots.count
            state.next = (state.next + 1) % state.slots.count
            switch state.slots[index] {
            case .ready(let connection) where connection.isOpen:
                return .use(connection)
            case .connecting(let task):
                return .wait(task, slot: index)
            case .idle, .ready:
                let configuration = self.configuration
                let eventLoop = eventLoopGroup.next()
                let task = Task { try await RedisConnection.connect(configuration, on: eventLoop) }
                state.slots[index] = .connecting(task)
                return .wait(task, slot: index)
            }
        }
        switch lease {
        case .use(let connection):
            return connection
        case .wait(let task, let index):
            let result = await task.result
            let kept = state.withLockedValue { state -> Bool in
                guard case .connecting(let current) = state.slots[index], current == task else {
                    return !state.isShutDown
                }
                switch result {
                case .success(let connection): state.slots[index] = .ready(connection)
                case .failure: state.slots[index] = .idle
                }
                return true
            }
            switch result {
            case .success(let connection):
                guard kept else {
                    await connection.close()
                    throw RedisError.clientShutDown
                }
                return connection
            case .failure(let error):
                throw error as? RedisError
                    ?? .connectionFailed(address: configuration.address, reason: "\(error)")
            }
        }
    }
}
