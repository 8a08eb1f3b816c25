import Foundation
import NIOCore
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// Every write request leaves one `audit_log` row, whatever its outcome, with secrets masked.
@Suite struct AuditTests {
    struct Row {
        var keyName: String?
        var role: String?
        var method: String
        var route: String
        var path: String
        var status: Int
        var duration: Double
        var client: String?
        var details: String?
    }

    static func rows(_ store: any MarketStore) async throws -> [Row] {
        try await store.query(
            SQLStatement(
                "SELECT key_name, role, method, route, path, status, duration_ms, client, details FROM audit_log ORDER BY id"
            )
        ).map {
            Row(
                keyName: $0[0].string, role: $0[1].string, method: $0[2].string ?? "", route: $0[3].string ?? "",
                path: $0[4].string ?? "", status: Int($0[5].int ?? 0), duration: $0[6].doubleValue ?? -1,
                client: $0[7].string, details: $0[8].string)
        }
    }

    /// The writer works in the background: wait until `count` rows are there.
    static func waitForRows(_ store: any MarketStore, count: Int) async throws -> [Row] {
        var rows: [Row] = []
        for _ in 0..<100 {
            rows = try await Self.rows(store)
            if rows.count >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return rows
    }

    @Test(arguments: TestBackend.available)
    func everyWriteIsRecordedWithItsOutcomeAndSecretsMasked(_ backend: TestBackend) async throws {
        // The admin's bucket refills only when this clock moves, which it never does here: a
        // loaded machine serving the requests slowly cannot add a token between them.
        let clock = HandClock(start: 1_000_000_000_000)
        try await TestServer.with(
            backend, sync: false,
            settings: { $0.rateLimits.perRole[.admin] = APIRateLimit(requestsPerSecond: 1, burst: 1) },
            rateLimitClock: clock.now
        ) { server in
            let keys = APIKeyStore(server.store)
            let analyst = try await keys.create(name: "analyst-1", role: .analyst)
            let admin = try await keys.create(name: "admin-1", role: .admin)
            let body =
                #"{"token": "abc123", "nested": {"Password": "pw-secret-9", "keep": "visible"}, "list": [{"api_key": "k-77"}], "note": "\#(admin.secret)"}"#

            var statuses: [Int] = []
            // An allowed caller: past the access check (a 501 or a validation error).
            statuses.append(
                try await server.post(
                    "/api/v1/backtests", json: body, headers: [("Authorization", "Bearer \(analyst.secret)")]
                ).status)
            // Role too low: 403.
            statuses.append(
                try await server.post(
                    "/api/v1/sync?secret=qs-secret-7", json: body,
                    headers: [("Authorization", "Bearer \(analyst.secret)")]
                ).status)
            // No key: 401.
            statuses.append(try await server.post("/api/v1/factors/evaluate", json: body).status)
            // A key that is not one: 401, no key name.
            statuses.append(
                try await server.post(
                    "/api/v1/factors/evaluate", json: body, headers: [("Authorization", "Bearer not-a-key")]
                ).status)
            // Admin, then over its limit (a burst of one): 429.
            let adminHeaders = [("Authorization", "Bearer \(admin.secret)")]
            statuses.append(try await server.post("/api/v1/sync", json: "[]", headers: adminHeaders).status)
            statuses.append(try await server.post("/api/v1/sync", json: "[]", headers: adminHeaders).status)
            let adminRequests = 2
            // Reads are not audited.
            _ = try await server.get("/api/v1/stocks")

            #expect(statuses[1] == 403 && statuses[2] == 401 && statuses[3] == 401)
            #expect(statuses[4] != 429 && statuses[5] == 429, "\(statuses)")
            let rows = try await Self.waitForRows(server.store, count: statuses.count)
            try #require(rows.count == statuses.count)
            #expect(rows.map(\.status) == statuses)
            #expect(rows.allSatisfy { $0.method == "POST" && $0.client == "127.0.0.1" && $0.duration >= 0 })
            #expect(
                rows.map(\.route) == [
                    "/api/v1/backtests", "/api/v1/sync", "/api/v1/factors/evaluate", "/api/v1/factors/evaluate",
                ] + Array(repeating: "/api/v1/sync", count: adminRequests))
            #expect(rows.allSatisfy { !$0.path.contains("?") })
            #expect(
                rows.map(\.keyName) == ["analyst-1", "analyst-1", nil, nil]
                    + Array(repeating: "admin-1", count: adminRequests))
            #expect(
                rows.map(\.role) == ["analyst", "analyst", nil, nil] + Array(repeating: "admin", count: adminRequests))

            // The summary keeps what is harmless and masks every secret.
            let details = try #require(rows[1].details)
            #expect(details.contains("visible") && details.contains("***"))
            #expect(details.contains("secret=***"))
            let everything = rows.map {
                [$0.keyName, $0.role, $0.route, $0.path, $0.details].compactMap { $0 }.joined(separator: " ")
            }.joined(separator: "\n")
            for secret in ["abc123", "pw-secret-9", "k-77", "qs-secret-7", admin.secret, analyst.secret, "not-a-key"] {
                #expect(!everything.contains(secret), "\(secret) leaked into audit_log")
            }
            let stored = try await server.store.query(SQLStatement("SELECT details FROM audit_log"))
            #expect(!stored.contains { $0.first?.string?.contains("abc123") == true })
        }
    }

    @Test func summariesMaskByNameAndByShape() throws {
        let key = "ss_" + String(repeating: "0f", count: 32)
        let body = #"{"Authorization": "x", "client_secret": "y", "refresh_token": "z", "ok": [1, "\#(key)"], "n": 3}"#
        let summary = RequestSummary.describe(
            query: [("start_date", "20240102"), ("access_token", "t0k")], body: .init(string: body))
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(parsed["query"] as? String == "start_date=20240102&access_token=***")
        let masked = try #require(parsed["body"] as? [String: Any])
        #expect(masked["Authorization"] as? String == "***")
        #expect(masked["client_secret"] as? String == "***")
        #expect(masked["refresh_token"] as? String == "***")
        #expect((masked["ok"] as? [Any])?.last as? String == "***")
        #expect(masked["n"] as? Int == 3)
        #expect(!summary.contains(key) && !summary.contains("t0k"))

        let notJSON = RequestSummary.describe(query: [], body: .init(string: "token=abc123"))
        #expect(!notJSON.contains("abc123") && notJSON.contains("not JSON"))
    }

    /// The manual's 数据脱敏 rules reach the audit log: phone 3 + 4 digits, e-mail 2 characters
    /// and the domain, whether the field is named or the value sits in free text.
    @Test func summariesMaskPhonesAndEmailsByTheManualsRules() throws {
        let body =
            #"{"phone": "13812345678", "contact": {"email": "zhangsan@example.com"}, "note": "call 15900001111"}"#
        let summary = RequestSummary.describe(query: [("notify", "li@stockschool.cn")], body: .init(string: body))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(parsed["query"] as? String == "notify=li***@stockschool.cn")
        let masked = try #require(parsed["body"] as? [String: Any])
        #expect(masked["phone"] as? String == "138****5678")
        #expect((masked["contact"] as? [String: Any])?["email"] as? String == "zh***@example.com")
        #expect(masked["note"] as? String == "call 159****1111")
    }
}
