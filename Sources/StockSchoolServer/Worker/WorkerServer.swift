import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import StockSchoolOps

/// `stockschool worker` as services run by swift-service-lifecycle: the worker itself and its
/// metrics endpoint (`GET /metrics`). SIGTERM and SIGINT stop the worker first — it stops
/// claiming, and finishes or releases its unit — then the endpoint, so a scrape still sees the
/// last figures while the worker winds down.
public enum WorkerServer {
    /// Runs until SIGTERM/SIGINT. `onListening` gets the metrics port (useful with port 0).
    public static func run(
        _ worker: Worker, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = application(worker, host: host, port: port, logger: logger, onListening: onListening)
        // The worker is last: service groups shut down in reverse order.
        let group = ServiceGroup(
            configuration: .init(
                services: [app, WorkerService(worker: worker)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func application(
        _ worker: Worker, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let text = WorkerMetricsText.render(await worker.metricsSnapshot(), leader: worker.isLeader)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/healthz") { _, _ -> String in
            "ok\n"
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "StockSchool worker"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// The worker as a service: its run ends at graceful shutdown, after the running unit is
/// finished or released.
struct WorkerService: Service {
    let worker: Worker

    func run() async throws {
        await withGracefulShutdownHandler {
            await worker.run()
        } onGracefulShutdown: {
            worker.stop()
        }
    }
}
