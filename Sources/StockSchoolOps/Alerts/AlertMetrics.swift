import Synchronization

/// The alert engine's own figures, exported on `/metrics`: alerts firing per level after the
/// last evaluation, and notifications per channel and outcome (failed sends are how a broken
/// SMTP password shows up before the incident that needed it).
public final class AlertMetrics: Sendable {
    struct State {
        var firing: [OpsLevel: Int] = [:]
        var notifications: [String: [String: Int]] = [:]
        var evaluations = 0
        var lastEvaluation: Double?
    }

    private let state = Mutex(State())

    public init() {}

    func evaluated(firing: [Alert], at seconds: Double) {
        state.withLock { s in
            s.firing = Dictionary(grouping: firing, by: \.level).mapValues(\.count)
            s.evaluations += 1
            s.lastEvaluation = seconds
        }
    }

    public func sendAttempt(channel: String, succeeded: Bool) {
        state.withLock { $0.notifications[channel, default: [:]][succeeded ? "sent" : "failed", default: 0] += 1 }
    }

    public var firing: [OpsLevel: Int] { state.withLock { $0.firing } }
    /// Channel → outcome (`sent`, `failed`) → count.
    public var notifications: [String: [String: Int]] { state.withLock { $0.notifications } }
    public var evaluations: Int { state.withLock { $0.evaluations } }
    public var lastEvaluation: Double? { state.withLock { $0.lastEvaluation } }
}
