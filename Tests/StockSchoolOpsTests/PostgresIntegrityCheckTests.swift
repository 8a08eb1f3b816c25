import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolOps

@Suite struct PostgresIntegrityCheckTests {
    /// An index on an `IMMUTABLE` function whose definition then changes no longer agrees with
    /// its table: the classic way to give `amcheck` something to find without touching files.
    /// The larger key goes to the first session, the damaged index to the second, so the second
    /// session's finding must reach the caller.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func amcheckOnTwoSessionsFindsAnIndexThatDisagreesWithItsTable() async throws {
        try await TestStore.scoped(.postgres, migrate: false) { test in
            guard case .postgres(let location) = try StoreURL(test.url) else { return }
            let scratch = ScratchStore(url: test.url, location: location.database, drop: {})
            let opened = OpenedSessions()
            let open: @Sendable () async throws -> PostgresSession = {
                let session = try await PostgresSession.open(location)
                await opened.count()
                return session
            }
            let session = try await PostgresSession.open(location)
            for sql in [
                "CREATE FUNCTION flip(v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT v'",
                "CREATE TABLE wide (v integer PRIMARY KEY)",
                "INSERT INTO wide SELECT generate_series(1, 50000)",
                "CREATE TABLE probe (v integer)",
                "INSERT INTO probe SELECT generate_series(1, 2000)",
                "CREATE INDEX probe_flip ON probe (flip(v))",
            ] {
                try await session.query(SQLStatement(sql))
            }
            let sound = try await PostgresBackupBackend.integrityCheck(session, scratch: scratch, openAnother: open)
            #expect(sound.contains("amcheck: 2 B-tree indexes consistent with their tables"), "\(sound)")
            #expect(await opened.total == 1)

            try await session.query(
                SQLStatement(
                    "CREATE OR REPLACE FUNCTION flip(v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT -v'"))
            await #expect {
                _ = try await PostgresBackupBackend.integrityCheck(session, scratch: scratch, openAnother: open)
            } throws: { error in
                guard case BackupError.integrityFailed(_, let reason) = error else { return false }
                return reason.contains("probe_flip")
            }
            await session.close()
        }
    }

    actor OpenedSessions {
        var total = 0
        func count() { total += 1 }
    }
}
