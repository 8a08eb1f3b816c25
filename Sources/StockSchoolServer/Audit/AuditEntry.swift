import StockSchoolCore

/// One row of `audit_log`: who made which write request and how it ended.
public struct AuditEntry: Sendable, Equatable {
    public var at: Timestamp
    /// The key's name and role; `nil` for a request without a (valid) key.
    public var keyName: String?
    public var role: String?
    public var method: String
    /// The route template (`/api/v1/backtests`), or `unmatched`.
    public var route: String
    /// The concrete path, without the query.
    public var path: String
    public var status: Int
    public var durationMilliseconds: Double
    public var client: String?
    /// The request summary with secrets masked (`RequestSummary`).
    public var details: String?

    public init(
        at: Timestamp, keyName: String?, role: String?, method: String, route: String, path: String, status: Int,
        durationMilliseconds: Double, client: String?, details: String?
    ) {
        self.at = at
        self.keyName = keyName
        self.role = role
        self.method = method
        self.route = route
        self.path = path
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.client = client
        self.details = details
    }
}
