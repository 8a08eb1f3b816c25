import Crypto
import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolOps

/// `db maintain`, `db bloat`, `db slow-queries`, `db connections`, `db terminate-idle` on real
/// stores: SQLite always, PostgreSQL when the test script started one (always in CI).
@Suite struct DatabaseMaintenanceTests {
    @Test(arguments: TestBackend.available)
    func maintainRunsEveryTaskOutsideATransaction(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let steps = try await DatabaseMaintenance(store).run(DatabaseMaintenance.Task.allCases)
            let expected =
                backend == .sqlite
                ? ["analyze", "vacuum", "reindex", "integrity-check"] : ["analyze", "vacuum", "reindex"]
            #expect(steps.map(\.task) == expected)
            if backend == .postgres { #expect(steps[2].sql.hasPrefix("REINDEX DATABASE ss_test_")) }
            if backend == .sqlite { #expect(steps[3].result == "ok") }
        }
    }

    @Test(arguments: TestBackend.available)
    func bloatListsEveryTableWithIndexSizes(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let sizes = try await DatabaseMaintenance(store).sizes()
            // audit_log has a secondary index (on `at`) on both backends: even empty, one page or more.
            let audit = try #require(sizes.first { $0.table == "audit_log" })
            #expect(audit.indexBytes > 0)
            #expect(audit.totalBytes >= audit.tableBytes + audit.indexBytes)
            #expect(Set(sizes.map(\.table)).isSuperset(of: ["stock_basic", "stock_daily", "trade_cal"]))
        }
    }

    @Test func postgresOnlyCommandsRefuseSQLiteClearly() async throws {
        try await TestStore.with(.sqlite) { store in
            let maintenance = DatabaseMaintenance(store)
            await #expect { try await maintenance.slowQueries(minimumMilliseconds: 1, limit: 5) } throws: { error in
                "\(error)".contains("PostgreSQL only")
            }
            await #expect { try await maintenance.connections() } throws: { "\($0)".contains("PostgreSQL only") }
            await #expect {
                try await maintenance.terminateIdle(olderThan: 60, allDatabases: false, dryRun: true)
            } throws: { "\($0)".contains("PostgreSQL only") }
            await #expect {
                try await PostgresSecurity(store).createReadOnlyRole(name: "ro", password: "x")
            } throws: { "\($0)".contains("PostgreSQL only") }
        }
    }

    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func slowQueriesReadPgStatStatements() async throws {
        try await TestStore.with(.postgres) { store in
            let maintenance = DatabaseMaintenance(store)
            await #expect { try await maintenance.slowQueries(minimumMilliseconds: 1, limit: 5) } throws: { error in
                "\(error)".contains("CREATE EXTENSION pg_stat_statements")
            }
            try await store.query(SQLStatement("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            try await store.query(SQLStatement("SELECT pg_sleep(0.12)"))
            let slow = try await maintenance.slowQueries(minimumMilliseconds: 100, limit: 10)
            let sleep = try #require(slow.first { $0.query.contains("pg_sleep") })
            #expect(sleep.meanMilliseconds >= 100)
            #expect(sleep.calls >= 1)
            // Nothing here takes an hour.
            #expect(try await maintenance.slowQueries(minimumMilliseconds: 3_600_000, limit: 10).isEmpty)
        }
    }

    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func terminateIdleEndsIdleConnectionsButNeverItsOwn() async throws {
        try await TestStore.scoped(.postgres) { test in
            let victim = try await openStore(url: test.url)
            let victimPID = try #require(
                try await victim.query(SQLStatement("SELECT pg_backend_pid()")).first?.first?.int)
            try await Task.sleep(for: .milliseconds(1500))
            let maintenance = DatabaseMaintenance(test.store)
            let before = try await maintenance.connections()
            #expect(before.connections.contains { $0.pid == victimPID && $0.state == "idle" })
            let ownPID = try #require(before.connections.first { $0.isSelf }?.pid)

            let dry = try await maintenance.terminateIdle(olderThan: 1, allDatabases: false, dryRun: true)
            #expect(dry.contains { $0.pid == victimPID && !$0.terminated })
            // Not idle for an hour: nothing.
            #expect(try await maintenance.terminateIdle(olderThan: 3600, allDatabases: false, dryRun: false).isEmpty)

            let ended = try await maintenance.terminateIdle(olderThan: 1, allDatabases: false, dryRun: false)
            #expect(ended.contains { $0.pid == victimPID && $0.terminated })
            #expect(!ended.contains { $0.pid == ownPID })
            // Only this test's database: the other tests' connections on the shared server live on.
            #expect(ended.allSatisfy { $0.database == URLComponents(string: test.url)?.path.dropFirst().description })
            try? await victim.close()
        }
    }

    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func readOnlyRoleCanSelectButNotInsert() async throws {
        try await TestStore.scoped(.postgres) { test in
            let role = "ro_\(UUID().uuidString.prefix(8).lowercased())"
            let security = PostgresSecurity(test.store)
            #expect(try await security.createReadOnlyRole(name: role, password: "first pass'word") == .created)
            // Idempotent: a second run updates the password and grants again.
            #expect(try await security.createReadOnlyRole(name: role, password: "second") == .updated)
            // A table created after the grant is readable through the default privileges.
            try await test.store.query(SQLStatement("CREATE TABLE later_table (x int)"))
            try await test.store.query(SQLStatement("INSERT INTO later_table VALUES (1)"))

            var components = try #require(URLComponents(string: test.url))
            components.user = role
            components.password = "second"
            let readOnly = try await openStore(url: try #require(components.string))
            do {
                #expect(
                    try await readOnly.query(SQLStatement("SELECT count(*) FROM stock_basic")).first?.first?.int == 0)
                #expect(try await readOnly.query(SQLStatement("SELECT x FROM later_table")).first?.first?.int == 1)
                await #expect { try await readOnly.query(SQLStatement("INSERT INTO later_table VALUES (2)")) } throws: {
                    "\($0)".contains("permission denied")
                }
                await #expect { try await readOnly.query(SQLStatement("DELETE FROM stock_basic")) } throws: {
                    "\($0)".contains("permission denied")
                }
                await #expect { try await readOnly.query(SQLStatement("CREATE TABLE mine (x int)")) } throws: {
                    "\($0)".contains("permission denied")
                }
            } catch {
                Issue.record("\(error)")
            }
            try? await readOnly.close()
            // The password went over as a SCRAM verifier, never in clear.
            let stored = try await test.store.query(
                SQLStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?", [.text(role)]))
            #expect(stored.first?.first?.string?.hasPrefix("SCRAM-SHA-256$4096:") == true)
            // Roles are server-wide: remove this one.
            try await test.store.query(SQLStatement("DROP OWNED BY \(role)"))
            try await test.store.query(SQLStatement("DROP ROLE \(role)"))
        }
    }

    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func auditLoggingAppliesTheManualsSettings() async throws {
        try await TestStore.with(.postgres) { store in
            let security = PostgresSecurity(store)
            let applied = try await security.auditLogging(enable: true)
            let settings = Dictionary(applied, uniquingKeysWith: { _, new in new })
            // Reset first, so a failed expectation does not leave the shared server logging everything.
            let reset = try await security.auditLogging(enable: false)
            #expect(settings["log_statement"] == "all")
            #expect(settings["log_min_duration_statement"] == "1000")
            #expect(!reset.contains { $0.0 == "log_statement" })
        }
    }

    /// RFC 7677's SCRAM-SHA-256 example: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096
    /// iterations; the server proves itself with ServerSignature = HMAC(ServerKey, AuthMessage),
    /// published as 6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=.
    @Test func scramVerifierMatchesRFC7677() throws {
        let salt = try #require(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ=="))
        let verifier = try PostgresSecurity.scramVerifier(password: "pencil", salt: Array(salt), iterations: 4096)
        #expect(verifier.hasPrefix("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"))
        let keys = try #require(verifier.split(separator: "$").last?.split(separator: ":"))
        try #require(keys.count == 2)
        let serverKey = try #require(Data(base64Encoded: String(keys[1])))
        let nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        let authMessage =
            "n=user,r=rOprNGfwEbeRWgbNEkqO,r=\(nonce),s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=\(nonce)"
        let signature = HMAC<SHA256>.authenticationCode(
            for: Array(authMessage.utf8), using: SymmetricKey(data: serverKey))
        #expect(Data(signature).base64EncodedString() == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }
}
