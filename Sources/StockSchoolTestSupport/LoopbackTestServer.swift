import NIOCore

/// Options a test server can start with by default.
public protocol LoopbackTestServerOptions: Sendable {
    init()
}

/// A server of a test's own on a free loopback port (the SMTP and HTTP sinks), which the test
/// always stops, whether its body passed or threw.
public protocol LoopbackTestServer: Sendable {
    associatedtype Options: LoopbackTestServerOptions
    static func start(_ options: Options) async throws -> Self
    func stop() async
}

extension LoopbackTestServer {
    /// Runs `body` with a fresh server and always stops it afterwards.
    public static func with<T>(_ options: Options = Options(), _ body: (Self) async throws -> T) async throws -> T {
        let server = try await start(options)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// The port a channel bound to `127.0.0.1:0` got; closes the channel and throws if none.
    static func boundPort(_ channel: any Channel, what: String) async throws -> Int {
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw MissingTestServer(description: "the \(what) did not get a port")
        }
        return port
    }
}
