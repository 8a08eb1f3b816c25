import StockSchoolCore

/// `stockschool perf`'s answer: system, API, database and cache figures, each with a level
/// against the manual's thresholds, plus the database detail (connections by state, slowest
/// statements).
public struct PerfReport: Sendable, Equatable, Encodable {
    public var checkedAt: Timestamp
    public var intervalSeconds: Double
    public var checks: [CheckResult]
    public var database: DatabaseActivity?

    public var level: OpsLevel { checks.map(\.level).max() ?? .ok }

    public func check(_ name: String) -> CheckResult? { checks.first { $0.name == name } }

    enum CodingKeys: String, CodingKey {
        case checkedAt = "checked_at"
        case intervalSeconds = "interval_seconds"
        case level, checks, database
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checkedAt.iso8601, forKey: .checkedAt)
        try container.encode(intervalSeconds, forKey: .intervalSeconds)
        try container.encode(level, forKey: .level)
        try container.encode(checks, forKey: .checks)
        try container.encodeIfPresent(database, forKey: .database)
    }
}
