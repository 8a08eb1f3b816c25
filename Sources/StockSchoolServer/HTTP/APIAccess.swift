/// Who may call a route. Roles are ordered: an admin may do what an analyst may, an analyst what
/// a reader may.
public enum APIAccess: String, Sendable, Comparable, CaseIterable {
    /// Probes and scrapes (`/api/health`, `/metrics`, `/openapi.json`): never need a key, so
    /// load balancers and Prometheus work without one.
    case open
    /// Reads: open or key-only by configuration (`api.require_key_for_reads`).
    case reader
    /// Expensive or persistent research: evaluations, backtests.
    case analyst
    /// Operations: starting syncs, managing keys.
    case admin

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: APIAccess, rhs: APIAccess) -> Bool { lhs.order < rhs.order }
}
