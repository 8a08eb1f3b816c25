import Foundation
import StockSchoolCore
import StockSchoolSync

/// The health check's answer: every check, and the worst level among them, which is also the
/// exit code of `stockschool health` (0 ok, 1 warning, 2 critical).
public struct HealthReport: Sendable, Equatable, Encodable {
    public var checkedAt: Timestamp
    public var checks: [CheckResult]
    /// The sync status the `sync` and `quality` checks judged, per dataset (for alert signals).
    public var sync: SyncStatus?

    public init(checkedAt: Timestamp, checks: [CheckResult], sync: SyncStatus? = nil) {
        self.checkedAt = checkedAt
        self.checks = checks
        self.sync = sync
    }

    public var level: OpsLevel { checks.map(\.level).max() ?? .ok }

    public func check(_ name: String) -> CheckResult? { checks.first { $0.name == name } }

    enum CodingKeys: String, CodingKey {
        case checkedAt = "checked_at"
        case level, checks
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checkedAt.iso8601, forKey: .checkedAt)
        try container.encode(level, forKey: .level)
        try container.encode(checks, forKey: .checks)
    }
}
