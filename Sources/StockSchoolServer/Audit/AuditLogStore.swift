import StockSchoolCore
import StockSchoolStore

/// Reads and writes `audit_log`.
public struct AuditLogStore: Sendable {
    let store: any MarketStore

    public init(_ store: any MarketStore) {
        self.store = store
    }

    func append(_ entry: AuditEntry) async throws {
        try await store.query(
            SQLStatement(
                """
                INSERT INTO audit_log (at, key_name, role, method, route, path, status, duration_ms, client, details) \
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    store.timestampValue(entry.at), Self.text(entry.keyName), Self.text(entry.role),
                    .text(entry.method),
                    .text(entry.route), .text(entry.path), .integer(Int64(entry.status)),
                    .double(entry.durationMilliseconds), Self.text(entry.client), Self.text(entry.details),
                ]))
    }

    /// The newest `limit` entries, newest first.
    public func recent(limit: Int) async throws -> [AuditEntry] {
        try await entries(since: nil, method: nil, limit: limit)
    }

    /// The newest `limit` entries at or after `since` and with HTTP `method` (either filter
    /// optional), newest first. The filters run in SQL, so a year of entries is not read to show
    /// ten.
    public func entries(since: Timestamp?, method: String?, limit: Int) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let since {
            conditions.append("at >= ?")
            binds.append(store.timestampValue(since))
        }
        if let method {
            conditions.append("method = ?")
            binds.append(.text(method.uppercased()))
        }
        binds.append(.integer(Int64(max(0, limit))))
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await store.query(
            SQLStatement(
                """
                SELECT \(store.timestampText("at")), key_name, role, method, route, path, status, duration_ms, client, \
                details FROM audit_log\(filter) ORDER BY id DESC LIMIT ?
                """, binds))
        return rows.compactMap { row in
            guard row.count == 10, let at = row[0].string.flatMap(Timestamp.init(iso8601:)), let method = row[3].string,
                let route = row[4].string, let path = row[5].string, let status = row[6].int
            else { return nil }
            return AuditEntry(
                at: at, keyName: row[1].string, role: row[2].string, method: method, route: route, path: path,
                status: Int(status), durationMilliseconds: row[7].doubleValue ?? 0, client: row[8].string,
                details: row[9].string)
        }
    }

    private static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}
