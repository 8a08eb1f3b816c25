import NIOCore
import NIOPosix

/// A loopback port nothing listens on: bind port 0, read what the kernel chose, release it.
/// For servers a test starts, and for "a server that is not running".
public func freeTCPPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port
    try await channel.close()
    guard let port else { throw MissingTestServer(description: "could not find a free port") }
    return port
}
