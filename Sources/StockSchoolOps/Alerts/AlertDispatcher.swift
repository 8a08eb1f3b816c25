import Logging
import StockSchoolCore
import StockSchoolStore

/// Sends notifications to channels by name, concurrently; one channel failing does not stop
/// the others, and a failure is logged. (Attempts are counted by the channels themselves, see
/// `AlertSetup.channels`.)
public struct AlertDispatcher: Sendable {
    public var channels: [String: any AlertChannel]
    public var metrics: AlertMetrics
    public var logger: Logger

    public init(
        channels: [String: any AlertChannel], metrics: AlertMetrics = AlertMetrics(),
        logger: Logger = Logger(label: "stockschool.alerts")
    ) {
        self.channels = channels
        self.metrics = metrics
        self.logger = logger
    }

    /// One notification sent (or not) to one channel.
    public struct Delivery: Sendable {
        public var channel: String
        public var notification: AlertNotification
        /// `nil` when sent; the reason otherwise (including "not configured").
        public var error: String?

        /// The route names a channel that has no settings (`alerts.<channel>.*`): nothing was
        /// attempted, which is a configuration choice rather than a failure.
        public var isUnconfigured: Bool { error == Self.unconfigured }

        static let unconfigured = "channel not configured"
    }

    /// Sends each planned notification to its channel; one channel failing does not stop the others.
    func send(_ planned: [(String, AlertNotification)]) async -> [Delivery] {
        await withTaskGroup(of: Delivery.self) { group in
            for (name, notification) in planned {
                group.addTask {
                    guard let channel = channels[name] else {
                        return Delivery(channel: name, notification: notification, error: Delivery.unconfigured)
                    }
                    do {
                        try await channel.send(notification)
                        return Delivery(channel: name, notification: notification, error: nil)
                    } catch {
                        logger.error(
                            "alert notification failed",
                            metadata: ["channel": "\(name)", "title": "\(notification.title)", "error": "\(error)"])
                        return Delivery(channel: name, notification: notification, error: "\(error)")
                    }
                }
            }
            var deliveries: [Delivery] = []
            for await delivery in group { deliveries.append(delivery) }
            return deliveries.sorted { ($0.channel, $0.notification.level) < ($1.channel, $1.notification.level) }
        }
    }

    /// `stockschool alerts test --channel X`: a drill notification through one channel.
    public func test(channel name: String, externalURL: String = "", at now: Timestamp = .now) async -> Delivery {
        let alert = Alert(
            name: "StockSchoolTestAlert", level: .info,
            labels: ["alertname": "StockSchoolTestAlert", "severity": "info", "channel": name],
            summary: "A test notification from `stockschool alerts test --channel \(name)`: the channel works.",
            status: .firing, startsAt: now.date)
        let notification = AlertNotification(
            groupKey: "test", level: .info, status: .firing, alerts: [alert], isTest: true, externalURL: externalURL)
        return await send([(name, notification)])[0]
    }
}
