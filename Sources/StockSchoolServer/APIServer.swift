import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import StockSchoolStore

/// The HTTP API as a Hummingbird application run by swift-service-lifecycle: SIGTERM and SIGINT
/// start a graceful shutdown that stops accepting connections and drains in-flight requests.
public enum APIServer {
    public static func application(
        _ services: APIServices, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async -> some ApplicationProtocol {
        await services.generations.refresh()
        let router = APIRouter.make(services)
        // Services shut down after the HTTP server has drained its requests, so the audit writer
        // still records the last writes before it stops.
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(services.settings.host, port: services.settings.port), serverName: "StockSchool"),
            services: [services.generations, services.jobs, services.auditWriter]
                + (services.settings.alertInterval.map { [AlertEvaluationService(services: services, interval: $0)] }
                    ?? []),
            onServerRunning: onServerRunning,
            logger: services.logger)
    }

    /// Runs until SIGTERM/SIGINT (the `serve` command). `listening` learns the bound port once
    /// the socket listens, so nothing announces an address that a failed bind never served.
    public static func run(
        _ services: APIServices, listening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
    ) async throws {
        let app = await application(services) { channel in
            services.logger.info(
                "StockSchool API listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
            listening(channel.localAddress?.port ?? services.settings.port)
        }
        do {
            try await app.runService()
        } catch {
            throw ListenFailure.from(error, host: services.settings.host, port: services.settings.port) ?? error
        }
    }

    /// Starts the server in the background and returns once it listens (tests, benchmarks).
    public static func start(_ services: APIServices) async throws -> RunningServer {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = await application(services) { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: services.logger))
        let task = Task { try await group.run() }
        var port = 0
        for await value in portStream {
            port = value
            break
        }
        guard port > 0 else {
            task.cancel()
            throw APIError(.internalServerError, code: "start_failed", message: "the server did not start listening")
        }
        return RunningServer(port: port, group: group, task: task)
    }
}

/// A server started by `APIServer.start`.
public struct RunningServer: Sendable {
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Graceful shutdown: stops accepting, drains in-flight requests, then returns.
    public func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
