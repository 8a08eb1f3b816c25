/// How bad a finding is, in the manual's three alert levels. Health checks use the same scale
/// (`ok` is the absence of a problem), so a check's result maps onto an alert without translation.
public enum OpsLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case ok
    case info
    case warning
    case critical

    private var rank: Int {
        switch self {
        case .ok: 0
        case .info: 1
        case .warning: 2
        case .critical: 3
        }
    }

    public static func < (lhs: OpsLevel, rhs: OpsLevel) -> Bool { lhs.rank < rhs.rank }

    /// The exit code the manual's scripts use: 0 ok, 1 warning, 2 critical (info is ok).
    public var exitCode: Int32 {
        switch self {
        case .ok, .info: 0
        case .warning: 1
        case .critical: 2
        }
    }
}
