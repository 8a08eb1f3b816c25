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
        let configuration = services.configuration
        // Rules and channels are read once: `serve` checked them at start, and a change needs a
        // restart like every other setting.
        let engine: AlertEngine
        do {
            engine = try AlertSetup.engine(
                configuration, store: services.store, metrics: services.alertMetrics,
                channels: services.alertChannels, logger: logger)
        } catch {
            logger.error("alert engine not started", metadata: ["error": "\(error)"])
            return
        }
        // The API probes itself through its own listener, as an outside checker would.
        var own = configuration
        own.serverHost = services.settings.host
        own.serverPort = services.settings.port
        own.ops.healthAPIURL = nil
        let collector = SignalCollector(
            configuration: configuration,
            apiURL: services.settings.port > 0 ? HealthChecker.defaultAPIURL(own) : nil)
        // The wait between rounds ends with the shutdown: sleeping out the interval (60 s by
        // default) would outlast `docker stop`'s default 10 s grace, or the rolling update's 20 s,
        // and get the replica killed.
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await evaluateOnce(engine, collector, logger: logger)
        }
    }

    func evaluateOnce(_ engine: AlertEngine, _ collector: SignalCollector, logger: Logger) async {
        do {
            let collected = await collector.collect()
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
