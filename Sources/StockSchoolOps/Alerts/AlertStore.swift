import Foundation
import StockSchoolCore
import StockSchoolStore

/// The `alerts` and `alert_silences` tables. Every state change is one conditional statement
/// (`… WHERE status = 'pending'`, `… AND notifications = n`), so when several processes evaluate
/// the same rules, exactly one of them wins each transition and sends its notification.
public struct AlertStore: Sendable {
    let store: any MarketStore

    public init(_ store: any MarketStore) {
        self.store = store
    }

    var columns: String {
        "id, fingerprint, alertname, level, status, labels, summary, description, value, \(store.timestampText("starts_at")), \(store.timestampText("ends_at")), \(store.timestampText("updated_at")), \(store.timestampText("last_notified_at")), notifications, silenced"
    }

    /// Pending and firing alerts.
    public func active() async throws -> [AlertRecord] {
        try await records("WHERE status IN ('pending', 'firing') ORDER BY id", [])
    }

    /// The newest alerts, any status, newest first; `status` filters.
    public func recent(limit: Int, status: AlertStatus? = nil) async throws -> [AlertRecord] {
        if let status {
            return try await records("WHERE status = ? ORDER BY id DESC LIMIT \(limit)", [.text(status.rawValue)])
        }
        return try await records("ORDER BY id DESC LIMIT \(limit)", [])
    }

    func records(_ tail: String, _ binds: [SQLValue]) async throws -> [AlertRecord] {
        let rows = try await store.query(SQLStatement("SELECT \(columns) FROM alerts \(tail)", binds))
        return rows.compactMap(Self.record)
    }

    static func record(_ row: [SQLValue]) -> AlertRecord? {
        guard row.count == 15, let id = row[0].int, let name = row[2].string,
            let level = row[3].string.flatMap(OpsLevel.init(rawValue:)),
            let status = row[4].string.flatMap(AlertStatus.init(rawValue:)),
            let starts = row[9].string.flatMap({ Timestamp(iso8601: $0) }),
            let updated = row[11].string.flatMap({ Timestamp(iso8601: $0) })
        else { return nil }
        let labels =
            (row[5].string.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }) ?? [:]
        let alert = Alert(
            name: name, level: level, labels: labels, summary: row[6].string ?? "",
            description: row[7].string ?? "", value: row[8].doubleValue, status: status,
            startsAt: starts.date, endsAt: row[10].string.flatMap { Timestamp(iso8601: $0) }?.date)
        return AlertRecord(
            id: id, alert: alert, updatedAt: updated,
            lastNotifiedAt: row[12].string.flatMap { Timestamp(iso8601: $0) }, notifications: row[13].int ?? 0,
            silenced: (row[14].int ?? 0) != 0)
    }

    /// Inserts a new pending or firing alert; `nil` when an unresolved alert with the same
    /// fingerprint exists (another evaluator got there first).
    public func insert(_ alert: Alert, at time: Timestamp) async throws -> Int64? {
        let labels = String(decoding: try JSONEncoder.sorted.encode(alert.labels), as: UTF8.self)
        let rows = try await store.query(
            SQLStatement(
                """
                INSERT INTO alerts (fingerprint, alertname, level, status, labels, summary, description, value, \
                starts_at, updated_at, notifications, silenced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, \(store.dialect == .postgres ? "false" : "0")) \
                ON CONFLICT (fingerprint) WHERE status IN ('pending', 'firing') DO NOTHING RETURNING id
                """,
                [
                    .text(alert.fingerprint), .text(alert.name), .text(alert.level.rawValue),
                    .text(alert.status.rawValue), .text(labels), .text(alert.summary), .text(alert.description),
                    alert.value.map(SQLValue.double) ?? .null, store.timestampValue(Timestamp(alert.startsAt)),
                    store.timestampValue(time),
                ]))
        return rows.first?.first?.int
    }

    /// Refreshes the observed value and summary of an unresolved alert.
    public func touch(id: Int64, value: Double?, summary: String, at time: Timestamp) async throws {
        try await store.execute(atomically: [
            SQLStatement(
                "UPDATE alerts SET value = ?, summary = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'firing')",
                [value.map(SQLValue.double) ?? .null, .text(summary), store.timestampValue(time), .integer(id)])
        ])
    }

    /// pending → firing; true for the one caller whose update took effect.
    public func fire(id: Int64, at time: Timestamp) async throws -> Bool {
        try await conditional(
            "UPDATE alerts SET status = 'firing', updated_at = ? WHERE id = ? AND status = 'pending' RETURNING id",
            [store.timestampValue(time), .integer(id)])
    }

    /// Claims the right to send the alert's next notification: true for the one caller that
    /// moved `notifications` from `seen` on.
    public func claimNotification(id: Int64, seen: Int64, at time: Timestamp) async throws -> Bool {
        try await conditional(
            "UPDATE alerts SET notifications = notifications + 1, last_notified_at = ?, silenced = \(falseLiteral) WHERE id = ? AND notifications = ? RETURNING id",
            [store.timestampValue(time), .integer(id), .integer(seen)])
    }

    /// Marks an alert as held back by a silence (shown by `alerts list`).
    public func markSilenced(id: Int64, _ silenced: Bool) async throws {
        try await store.execute(atomically: [
            SQLStatement(
                "UPDATE alerts SET silenced = \(silenced ? trueLiteral : falseLiteral) WHERE id = ?", [.integer(id)])
        ])
    }

    /// firing or pending → resolved; true for the one caller whose update took effect.
    public func resolve(id: Int64, at time: Timestamp) async throws -> Bool {
        try await conditional(
            "UPDATE alerts SET status = 'resolved', ends_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'firing') RETURNING id",
            [store.timestampValue(time), store.timestampValue(time), .integer(id)])
    }

    /// A pending alert whose condition stopped holding before `for` elapsed never fired: it is
    /// removed rather than kept as history.
    public func discardPending(id: Int64) async throws {
        try await store.execute(atomically: [
            SQLStatement("DELETE FROM alerts WHERE id = ? AND status = 'pending'", [.integer(id)])
        ])
    }

    func conditional(_ sql: String, _ binds: [SQLValue]) async throws -> Bool {
        try await !store.query(SQLStatement(sql, binds)).isEmpty
    }

    var trueLiteral: String { store.dialect == .postgres ? "true" : "1" }
    var falseLiteral: String { store.dialect == .postgres ? "false" : "0" }

    // MARK: silences

    public func addSilence(
        matchers: [String: String], from start: Timestamp, until end: Timestamp, createdBy: String, comment: String
    ) async throws -> Silence {
        let text = String(decoding: try JSONEncoder.sorted.encode(matchers), as: UTF8.self)
        let rows = try await store.query(
            SQLStatement(
                "INSERT INTO alert_silences (matchers, starts_at, ends_at, created_by, comment) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [
                    .text(text), store.timestampValue(start), store.timestampValue(end), .text(createdBy),
                    .text(comment),
                ]))
        guard let id = rows.first?.first?.int else {
            throw StockSchoolError.invalidArgument(name: "silence", reason: "the store did not return the new id")
        }
        return Silence(
            id: id, matchers: matchers, startsAt: start, endsAt: end, createdBy: createdBy, comment: comment)
    }

    /// Silences in force at `time`, or every silence not yet ended when `includeFuture`.
    public func silences(activeAt time: Timestamp) async throws -> [Silence] {
        let rows = try await store.query(
            SQLStatement(
                "SELECT id, matchers, \(store.timestampText("starts_at")), \(store.timestampText("ends_at")), created_by, comment FROM alert_silences WHERE ends_at > ? ORDER BY id",
                [store.timestampValue(time)]))
        return rows.compactMap { row in
            guard row.count == 6, let id = row[0].int,
                let matchers = row[1].string.flatMap({
                    try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
                }),
                let start = row[2].string.flatMap({ Timestamp(iso8601: $0) }),
                let end = row[3].string.flatMap({ Timestamp(iso8601: $0) })
            else { return nil }
            return Silence(
                id: id, matchers: matchers, startsAt: start, endsAt: end, createdBy: row[4].string ?? "",
                comment: row[5].string ?? "")
        }.filter { $0.endsAt > time }
    }

    /// Ends a silence now.
    @discardableResult
    public func expireSilence(id: Int64, at time: Timestamp) async throws -> Bool {
        try await conditional(
            "UPDATE alert_silences SET ends_at = ? WHERE id = ? AND ends_at > ? RETURNING id",
            [store.timestampValue(time), .integer(id), store.timestampValue(time)])
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension Timestamp {
    public var date: Date { Date(timeIntervalSince1970: secondsSinceEpoch) }

    public init(_ date: Date) { self.init(secondsSinceEpoch: date.timeIntervalSince1970) }
}
