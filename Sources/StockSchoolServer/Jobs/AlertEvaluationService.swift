import Logging
import ServiceLifecycle
import StockSchoolCore
import StockSchoolOps

/// Runs the alert engine inside `serve` every `alerts.interval` seconds: measures, evaluates the
/// rules, sends what is due. Several replicas may each run one; the alerts table makes sure each
/// alert is raised and sent once (see `AlertStore`).
struct AlertEvaluationService: Service {
    let services: APIServices
    let interval: Duration

    func run() async throws {
        let logger = services.logger
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await evaluateOnce(logger: logger)
            }
        } onGracefulShutdown: {
        }
    }

    func evaluateOnce(logger: Logger) async {
        do {
            let configuration = services.configuration
            let engine = try AlertSetup.engine(
                configuration, store: services.store, metrics: services.alertMetrics,
                channels: services.alertChannels, logger: logger)
            // The API probes itself through its own listener, as an outside checker would.
            var own = configuration
            own.serverHost = services.settings.host
            own.serverPort = services.settings.port
            own.ops.healthAPIURL = nil
            let apiURL = services.settings.port > 0 ? HealthChecker.defaultAPIURL(own) : nil
            let collected = await SignalCollector(configuration: configuration, apiURL: apiURL).collect()
            let outcome = try await engine.evaluate(collected.signals)
            for delivery in outcome.deliveries where delivery.error != nil && !delivery.isUnconfigured {
                logger.warning(
                    "alert not delivered",
                    metadata: ["channel": "\(delivery.channel)", "error": "\(delivery.error ?? "")"])
            }
        } catch {
            logger.error("alert evaluation failed", metadata: ["error": "\(error)"])
        }
    }
}
