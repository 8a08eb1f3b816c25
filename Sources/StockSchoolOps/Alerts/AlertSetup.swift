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

    /// The configured channels (`alerts.<channel>.*`), each retried with backoff; every attempt,
    /// failed or not, is counted in `metrics` (`stockschool_alert_notifications_total`).
    public static func channels(
        _ configuration: StockSchoolConfiguration, metrics: AlertMetrics, policy: RetryPolicy = RetryPolicy()
    ) -> [String: any AlertChannel] {
        ChannelFactory.make(configuration).mapValues { channel in
            RetryingChannel(channel, policy: policy) { name, succeeded, _ in
                metrics.sendAttempt(channel: name, succeeded: succeeded)
            }
        }
    }

    /// The engine over `store`; `rules` already loaded (to fail before measuring) are used as
    /// they are, otherwise they are read from the configuration.
    public static func engine(
        _ configuration: StockSchoolConfiguration, store: any MarketStore, rules loaded: AlertRuleSet? = nil,
        metrics: AlertMetrics = AlertMetrics(), channels: [String: any AlertChannel]? = nil,
        logger: Logger = Logger(label: "stockschool.alerts")
    ) throws -> AlertEngine {
        AlertEngine(
            rules: try loaded ?? rules(configuration), store: AlertStore(store), channels: channels ?? [:],
            metrics: metrics,
            externalURL: HealthChecker.defaultAPIURL(configuration), logger: logger)
    }
}
