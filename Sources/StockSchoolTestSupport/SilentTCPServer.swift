import NIOCore
import NIOPosix

/// A loopback server that accepts connections and never says a word: what a firewalled or hung
/// dependency looks like to a client, as opposed to a refused port (`freeTCPPort`).
public final class SilentTCPServer: Sendable {
    private let channel: any Channel
    public let port: Int

    public static func start() async throws -> SilentTCPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { _ in
                // No handlers: whatever the client sends is read and dropped.
                MultiThreadedEventLoopGroup.singleton.any().makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw MissingTestServer(description: "the silent server has no port")
        }
        return SilentTCPServer(channel: channel, port: port)
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    public func stop() async {
        try? await channel.close()
    }
}
