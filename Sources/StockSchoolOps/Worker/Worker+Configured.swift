import Foundation
import Logging
import StockSchoolCore
import StockSchoolStore

extension Worker {
    /// A worker as `stockschool worker` runs it: the daily workflow's units, the configured
    /// schedule, leases and retries, leadership through the store, and the alert rules.
    public static func configured(
        _ configuration: StockSchoolConfiguration, store: any MarketStore, id: String,
        source: SyncSourceSpec.Kind? = nil, alerts: AlertPass? = nil, unitDelay: Duration = .zero,
        logger: Logger = Logger(label: "stockschool.worker")
    ) throws -> Worker {
        var options = Options(
            id: id, schedule: WorkerSchedule(configuration.worker), pollSeconds: configuration.worker.pollSeconds,
            alertInterval: configuration.ops.alertInterval)
        options.unitDelay = unitDelay
        let units = WorkflowUnits(configuration: configuration, store: store)
        return Worker(
            options: options, queue: WorkQueue(store: store, configuration: configuration.worker),
            lock: try WorkerLeadership.lock(store: store, databaseURL: configuration.databaseURL),
            planner: { job, at in
                let today = TradeDate.inBeijing(secondsSinceEpoch: at.secondsSinceEpoch)
                let sourceSpec = SyncSourceSpec.configured(configuration, kind: source, today: today)
                let model = WorkerJob.ModelSpec.configured(configuration)
                let params = WorkerJob.UnitParams(
                    source: job == .sync ? sourceSpec : nil, model: job == .factors ? model : nil)
                return (job.plan(source: sourceSpec, model: model), params.json)
            },
            body: { unit in try await units.run(unit) }, alerts: alerts, logger: logger)
    }

    /// `host-pid`: unique among workers on one host and across hosts.
    public static var defaultID: String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}

/// The worker's alert pass: measure the signals (health and performance checks) and evaluate
/// the rules, as `stockschool alerts check` does once.
public enum WorkerAlerts {
    public static func pass(
        _ configuration: StockSchoolConfiguration, store: any MarketStore, channels: [String: any AlertChannel],
        metrics: AlertMetrics = AlertMetrics(), apiURL: String?
    ) throws -> Worker.AlertPass {
        let engine = try AlertSetup.engine(configuration, store: store, metrics: metrics, channels: channels)
        let collector = SignalCollector(configuration: configuration, apiURL: apiURL)
        return {
            let collected = await collector.collect()
            let outcome = try await engine.evaluate(collected.signals)
            let undelivered = outcome.deliveries.filter { $0.error != nil && !$0.isUnconfigured }.map {
                "\($0.channel): \($0.error ?? "")"
            }
            return
                "\(outcome.firing.count) firing, \(outcome.pending.count) pending, \(outcome.resolved.count) resolved, \(outcome.deliveries.count) notifications"
                + (undelivered.isEmpty ? "" : "; not delivered: " + undelivered.joined(separator: "; "))
        }
    }
}
