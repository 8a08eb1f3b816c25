import Foundation
import StockSchoolCore
import StockSchoolStore

/// The production store: `pg_dump -Fc` inside a repeatable-read transaction whose exported
/// snapshot also gives the row counts, so the census and the dump see the same database;
/// restores with `pg_restore` into a new database on the same server; the swap renames databases.
struct PostgresBackupBackend: BackupBackend {
    let location: StoreURL.PostgresLocation
    let displayURL: String
    /// `pg_dump -Z`: 0 (none) to 9. Level 1 shrinks the market's text ~2.2× but makes the dump
    /// about 2.5× slower on two cores (BENCHMARKS.md), so the default is 0.
    let compressionLevel: Int
    let name = "postgres"
    let dumpFileName = "database.dump"

    /// libpq's variables: the password never appears in a command line.
    var toolEnvironment: [String: String] {
        var environment = [
            "PGHOST": location.host, "PGPORT": String(location.port), "PGUSER": location.username,
            "PGSSLMODE": location.requireTLS ? "require" : "prefer", "PGCONNECT_TIMEOUT": "10",
        ]
        if let password = location.password { environment["PGPASSWORD"] = password }
        return environment
    }

    func liveStoreExists() async -> Bool {
        guard let session = try? await PostgresSession.open(location) else { return false }
        await session.close()
        return true
    }

    func dump(to path: String) async throws -> TableCensus {
        let pgDump = try ExternalCommand.require("pg_dump", package: "postgresql-client")
        let session = try await PostgresSession.open(location)
        do {
            try await session.query(SQLStatement("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            let snapshot = try await session.query(SQLStatement("SELECT pg_export_snapshot()")).first?.first?.string
            guard let snapshot else {
                throw BackupError.commandFailed(command: "pg_export_snapshot", status: -1, stderr: "")
            }
            let census = try await TableCensus.take(dialect: .postgres) { try await session.query($0) }
            try await ExternalCommand(
                executable: pgDump,
                arguments: [
                    "--format=custom", "--compress=\(compressionLevel)", "--snapshot=\(snapshot)", "--file=\(path)",
                    "--dbname=\(location.database)",
                ],
                environment: toolEnvironment
            ).run()
            try await session.query(SQLStatement("COMMIT"))
            await session.close()
            return census
        } catch {
            await session.close()
            throw error
        }
    }

    func checkReadable(dump path: String) async throws {
        // Converting the archive to SQL reads every data block: a truncated file fails here,
        // where `pg_restore --list` (which reads only the table of contents) would pass it.
        let pgRestore = try ExternalCommand.require("pg_restore", package: "postgresql-client")
        do {
            try await ExternalCommand(executable: pgRestore, arguments: ["--file=/dev/null", path]).run()
        } catch let BackupError.commandFailed(_, _, stderr) {
            throw BackupError.emptyDump(file: "\(path) (\(stderr))")
        }
    }

    /// A dump can be counted only once restored.
    func census(ofDump path: String) async throws -> TableCensus? { nil }

    func restoreScratch(
        dump path: String, label: String, nearLive: Bool, workDirectory: String, indexes: Bool
    ) async throws
        -> ScratchStore
    {
        let pgRestore = try ExternalCommand.require("pg_restore", package: "postgresql-client")
        let scratch = Self.databaseName(location.database, suffix: "_restore_\(label)")
        let admin = try await adminSession()
        do {
            try await admin.query(SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(scratch))"))
            try await admin.query(SQLStatement("CREATE DATABASE \(quotedIdentifier(scratch))"))
            try await admin.query(
                SQLStatement(
                    "COMMENT ON DATABASE \(quotedIdentifier(scratch)) IS '\(scratchMark.replacingOccurrences(of: "'", with: "''"))'"
                ))
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        let store = ScratchStore(
            url: location.url(database: scratch), location: scratch,
            drop: { [self] in await self.dropDatabase(scratch) })
        // Two jobs load tables and build indexes in parallel; --exit-on-error makes the first
        // failed statement fail the restore instead of a warning at the end.
        let environment = toolEnvironment.merging(Self.restoreSessionOptions) { _, new in new }
        func restore(_ arguments: [String]) async throws {
            try await ExternalCommand(
                executable: pgRestore,
                arguments: ["--no-owner", "--no-privileges", "--exit-on-error"] + arguments + [
                    "--dbname=\(scratch)", path,
                ],
                environment: environment
            ).run()
        }
        // Without indexes the post-data section (keys, indexes) is left out: building them is
        // half the time of a restore and counting rows needs none.
        let sections = indexes ? ["--section=data", "--section=post-data"] : ["--section=data"]
        do {
            if nearLive {
                try await restore(["--jobs=2", "--section=pre-data"] + sections)
            } else {
                // Only checked, then dropped: the tables need not survive a crash, so they are
                // made UNLOGGED before they are loaded, and neither the COPY nor the index builds
                // write WAL. On a durable server that was about a fifth of a restore-test's time.
                try await restore(["--section=pre-data"])
                try await Self.unlogTables(location, database: scratch)
                try await restore(["--jobs=2"] + sections)
            }
        } catch {
            await store.drop()
            throw error
        }
        return store
    }

    /// Makes every table of `database` on `location`'s server UNLOGGED (with its identity
    /// sequences).
    static func unlogTables(_ location: StoreURL.PostgresLocation, database: String) async throws {
        try await PostgresSession.with(try await PostgresSession.open(location, database: database)) { session in
            let tables = try await session.query(
                SQLStatement(
                    "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                        + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"))
            for table in tables.compactMap({ $0[0].string }) {
                try await session.query(SQLStatement("ALTER TABLE \(table) SET UNLOGGED"))
            }
        }
    }

    /// The comment a scratch database of this store carries while this process owns it.
    var scratchMark: String { "\(Self.scratchMarkPrefix(of: location.database))\(ScratchOwner.current)" }

    static func scratchMarkPrefix(of database: String) -> String { "stockschool scratch of \(database): " }

    /// Scratch databases are told by their comment (`scratchMark`), whatever their name.
    func sweepAbandonedScratch(workDirectory: String) async -> [String] {
        guard let admin = try? await maintenanceSession() else { return [] }
        let prefix = Self.scratchMarkPrefix(of: location.database)
        var removed: [String] = []
        let marked =
            (try? await admin.query(
                SQLStatement(
                    "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
                        + "WHERE shobj_description(oid, 'pg_database') LIKE 'stockschool scratch of %' ORDER BY datname"
                ))) ?? []
        for row in marked {
            guard let name = row[0].string, let comment = row[1].string, comment.hasPrefix(prefix),
                name != location.database, ScratchOwner.isAbandoned(comment.dropFirst(prefix.count))
            else { continue }
            // FORCE: a pg_restore orphaned by the kill may still be loading into it.
            if (try? await admin.query(SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(name)) WITH (FORCE)")))
                != nil
            {
                removed.append(
                    "dropped database \(name), a scratch store left by a killed run (process \(comment.dropFirst(prefix.count)))"
                )
            }
        }
        await admin.close()
        return removed
    }

    func integrityCheck(_ scratch: ScratchStore) async throws -> [String] {
        var scratchLocation = location
        scratchLocation.database = scratch.location
        return try await PostgresSession.with(try await PostgresSession.open(scratchLocation)) { session in
            try await Self.integrityCheck(session, scratch: scratch) { [scratchLocation] in
                try await PostgresSession.open(scratchLocation)
            }
        }
    }

    /// Sessions that run `amcheck` side by side, as `pg_restore --jobs=2` loads: each check with
    /// `heapallindexed` reads the whole table on one server process, so two indexes of the
    /// same table take half the time on two cores.
    static let amcheckSessions = 2

    /// Checks the catalog on `session`, then every B-tree index, largest first, on `session`
    /// and up to `amcheckSessions - 1` more from `openAnother` (one session alone when another
    /// cannot be opened).
    static func integrityCheck(
        _ session: PostgresSession, scratch: ScratchStore,
        openAnother: @Sendable () async throws -> PostgresSession
    ) async throws -> [String] {
        var done: [String] = []
        let invalid = try await session.query(
            SQLStatement(
                "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                    + "AND NOT (i.indisvalid AND i.indisready)"))
        guard invalid.isEmpty else {
            throw BackupError.integrityFailed(
                id: scratch.location,
                reason: "invalid indexes: \(invalid.compactMap { $0.first?.string }.joined(separator: ", "))")
        }
        done.append("catalog: every index valid and ready")
        // amcheck verifies each B-tree's ordering and its agreement with the heap, when the
        // extension can be created (contrib, in PostgreSQL's own images and Debian's package).
        if (try? await session.query(SQLStatement("CREATE EXTENSION IF NOT EXISTS amcheck"))) != nil {
            let rows = try await session.query(
                SQLStatement(
                    "SELECT c.oid::regclass::text, pg_relation_size(c.oid) FROM pg_index i "
                        + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE a.amname = 'btree' AND n.nspname = current_schema() ORDER BY 2 DESC, 1"))
            let indexes = rows.compactMap { row -> (name: String, bytes: Int64)? in
                guard let name = row.first?.string else { return nil }
                return (name, row.dropFirst().first?.int ?? 0)
            }
            var sessions = [session]
            for _ in 1..<amcheckSessions where indexes.count > sessions.count {
                guard let another = try? await openAnother() else { break }
                sessions.append(another)
            }
            // Largest first, each to the session with the fewest bytes so far.
            var shares = Array(repeating: [String](), count: sessions.count)
            var loads = Array(repeating: Int64(0), count: sessions.count)
            for index in indexes {
                let lightest = loads.indices.min { loads[$0] < loads[$1] } ?? 0
                shares[lightest].append(index.name)
                loads[lightest] += max(index.bytes, 1)
            }
            let checked = await Result { () async throws -> Void in
                try await Self.amcheck(shares: Array(zip(sessions, shares)), scratch: scratch)
            }
            for another in sessions.dropFirst() { await another.close() }
            try checked.get()
            done.append("amcheck: \(indexes.count) B-tree indexes consistent with their tables")
        } else {
            done.append("amcheck: not available (CREATE EXTENSION amcheck refused), skipped")
        }
        return done
    }

    /// `bt_index_check(index, heapallindexed)` on each session's share of the indexes, side by side.
    static func amcheck(shares: [(PostgresSession, [String])], scratch: ScratchStore) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (session, share) in shares {
                group.addTask {
                    for index in share {
                        do {
                            try await session.query(
                                SQLStatement("SELECT bt_index_check(?::regclass, true)", [.text(index)]))
                        } catch {
                            throw BackupError.integrityFailed(
                                id: scratch.location, reason: "amcheck on \(index): \(error)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func replaceLive(with scratch: ScratchStore, terminateSessions: Bool) async throws {
        let live = location.database
        try await PostgresSession.with(try await maintenanceSession()) { admin in
            try await replace(live: live, with: scratch, terminateSessions: terminateSessions, admin: admin)
        }
    }

    func replace(
        live: String, with scratch: ScratchStore, terminateSessions: Bool, admin: PostgresSession
    )
        async throws
    {
        let exists =
            !(try await admin.query(
                SQLStatement("SELECT 1 FROM pg_database WHERE datname = ?", [.text(live)]))).isEmpty
        // Client sessions only: an autovacuum worker that a fresh restore set off on the scratch
        // database is no user of it, and PostgreSQL stops it itself for the rename (it showed up
        // here as a "session from local" and failed a restore once).
        let others = try await admin.query(
            SQLStatement(
                "SELECT pid, coalesce(application_name, ''), coalesce(client_addr::text, 'local') "
                    + "FROM pg_stat_activity WHERE datname IN (?, ?) AND pid <> pg_backend_pid() "
                    + "AND backend_type = 'client backend'",
                [.text(live), .text(scratch.location)]))
        if !others.isEmpty {
            let who = others.prefix(5).map { row in
                "pid \(row[0].int ?? 0) \(row[1].string.map { $0.isEmpty ? "" : "(\($0))" } ?? "") from \(row[2].string ?? "?")"
            }.joined(separator: ", ")
            guard terminateSessions else {
                throw BackupError.storeInUse(
                    reason: "\(others.count) session(s) connected to \(live): \(who); or pass --terminate-sessions")
            }
            try await admin.query(
                SQLStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN (?, ?) AND pid <> pg_backend_pid() "
                        + "AND backend_type = 'client backend'",
                    [.text(live), .text(scratch.location)]))
        }
        let replaced = Self.databaseName(live, suffix: "_replaced")
        if exists {
            try await admin.query(SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(replaced))"))
            try await admin.query(
                SQLStatement("ALTER DATABASE \(quotedIdentifier(live)) RENAME TO \(quotedIdentifier(replaced))"))
        }
        do {
            try await admin.query(
                SQLStatement("ALTER DATABASE \(quotedIdentifier(scratch.location)) RENAME TO \(quotedIdentifier(live))")
            )
        } catch {
            if exists {
                _ = try? await admin.query(
                    SQLStatement("ALTER DATABASE \(quotedIdentifier(replaced)) RENAME TO \(quotedIdentifier(live))"))
            }
            throw error
        }
        // The store is live now, no scratch store: without its mark, no sweep ever looks at it.
        _ = try? await admin.query(SQLStatement("COMMENT ON DATABASE \(quotedIdentifier(live)) IS NULL"))
        // The emergency backup taken before holds what was replaced.
        if exists {
            _ = try? await admin.query(
                SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(replaced)) WITH (FORCE)"))
        }
    }

    /// Settings for pg_restore's own sessions: index builds sort in memory instead of spilling
    /// to disk, and a scratch database loses nothing worth a synchronous commit.
    static let restoreSessionOptions = [
        "PGOPTIONS": "-c maintenance_work_mem=512MB -c synchronous_commit=off"
    ]

    /// A session on the live database, or on `postgres` when the live one does not exist yet.
    func adminSession() async throws -> PostgresSession {
        if let session = try? await PostgresSession.open(location) { return session }
        return try await maintenanceSession()
    }

    /// A session on another database of the server: a database cannot be renamed from inside it.
    func maintenanceSession() async throws -> PostgresSession {
        for database in ["postgres", "template1"] where database != location.database {
            if let session = try? await PostgresSession.open(location, database: database) { return session }
        }
        return try await PostgresSession.open(location, database: "postgres")
    }

    func dropDatabase(_ name: String) async {
        guard let admin = try? await maintenanceSession() else { return }
        _ = try? await admin.query(SQLStatement("DROP DATABASE IF EXISTS \(quotedIdentifier(name)) WITH (FORCE)"))
        await admin.close()
    }

    /// `<database><suffix>`, shortened to PostgreSQL's 63-byte identifier limit.
    static func databaseName(_ database: String, suffix: String) -> String {
        String(database.utf8.prefix(max(1, 63 - suffix.utf8.count))).map { $0 + suffix } ?? database + suffix
    }
}
