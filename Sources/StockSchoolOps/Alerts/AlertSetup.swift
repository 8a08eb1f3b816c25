import Logging
import StockSchoolCore
import StockSchoolStore

/// Builds the alert engine from configuration: the rules (`alerts.rules_file`, else the
/// built-in ones) and the configured channels.
public enum AlertSetup {
    public static func rules(_ configuration: StockSchoolConfiguration) throws -> AlertRuleSet {
        guard let path = configuration.ops.alertRulesFile else { return .defaults() }
        return try AlertRuleSet.load(path: path)
    }

    public static func engine(
        _ configuration: StockSchoolConfiguration, store: any MarketStore, metrics: AlertMetrics = AlertMetrics(),
        channels: [String: any AlertChannel]? = nil, logger: Logger = Logger(label: "stockschool.alerts")
    ) throws -> AlertEngine {
        AlertEngine(
            rules: try rules(configuration), store: AlertStore(store), channels: channels ?? [:], metrics: metrics,
            externalURL: HealthChecker.defaultAPIURL(configuration), logger: logger)
    }
}
