/// One line of the health or performance report: what was checked or measured, how it stands,
/// and the figures behind it.
public struct CheckResult: Sendable, Equatable, Encodable {
    /// `database`, `cache`, `api`, `disk:data`, `logs`, `sync`, `quality`, `backup`; `cpu`, `memory`, …
    public var name: String
    public var level: OpsLevel
    /// What a person needs to read: the figure and, when not ok, what to do.
    public var message: String
    /// Round-trip time of the probe, when the check is one.
    public var latencyMS: Double?
    /// The measured figures (`used_percent`, `lag_hours`, `age_hours`, …) for machines.
    public var values: [String: Double]

    public init(
        name: String, level: OpsLevel, message: String, latencyMS: Double? = nil, values: [String: Double] = [:]
    ) {
        self.name = name
        self.level = level
        self.message = message
        self.latencyMS = latencyMS
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case name, level, message
        case latencyMS = "latency_ms"
        case values
    }
}
