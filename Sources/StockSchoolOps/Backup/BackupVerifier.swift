import Foundation
import StockSchoolCore
import StockSchoolStore

/// Checks a backup without touching the live store. `verify` re-hashes every file against the
/// manifest, then restores the database into a scratch store and compares every table's row
/// count; `restoreTest` also runs the integrity checks and the health check on that store.
public struct BackupVerifier: Sendable {
    public var configuration: StockSchoolConfiguration

    public init(configuration: StockSchoolConfiguration) {
        self.configuration = configuration
    }

    public struct Report: Sendable, Encodable {
        public let id: String
        public var steps: [String] = []
        public var seconds = 0.0
    }

    public func verify(_ id: String?) async throws -> Report {
        try await run(id, deep: false)
    }

    public func restoreTest(_ id: String?) async throws -> Report {
        try await run(id, deep: true)
    }

    func run(_ text: String?, deep: Bool) async throws -> Report {
        let started = ContinuousClock.now
        let catalog = BackupCatalog(directory: configuration.ops.backupDirectory)
        let (entry, manifest) = try catalog.resolve(text)
        var report = Report(id: manifest.id)
        // Hashing every file and restoring the database are independent: one core each.
        let directory = entry.path
        let files = Task.detached { try Self.checkFiles(directory, manifest: manifest) }
        do {
            report.steps += try await checkDatabase(manifest, in: directory, deep: deep, catalog: catalog)
        } catch {
            // A damaged file explains a failed restore: name the file first.
            _ = try await files.value
            throw error
        }
        report.steps.insert(try await files.value, at: 0)
        if let redis = manifest.redisFile {
            try RedisSnapshot.checkHeader((entry.path as NSString).appendingPathComponent(redis))
            report.steps.append("\(redis): an RDB snapshot")
        }
        report.seconds = (ContinuousClock.now - started).seconds
        return report
    }

    /// Restores the database into a scratch store and compares its census with the manifest (a
    /// SQLite copy is counted in place, read-only, unless `deep`); `deep` adds the integrity
    /// and health checks on the restored store.
    func checkDatabase(
        _ manifest: BackupManifest, in directory: String, deep: Bool, catalog: BackupCatalog
    )
        async throws -> [String]
    {
        let backend = try scratchBackend(for: manifest)
        let swept = await backend.sweepAbandonedScratch(workDirectory: catalog.directory)
        let dump = (directory as NSString).appendingPathComponent(manifest.databaseFile)
        if !deep, let census = try await backend.census(ofDump: dump) {
            return swept + ["opened \(manifest.databaseFile) read-only", try Self.compare(census, manifest: manifest)]
        }
        let scratch = try await backend.restoreScratch(
            dump: dump, label: "verify_\(manifest.id.prefix(15))", nearLive: false, workDirectory: catalog.directory,
            indexes: deep)
        do {
            var steps = swept + ["restored into scratch store \(StoreURL.masked(scratch.url))"]
            steps.append(try await Self.compareCensus(scratch.url, manifest: manifest))
            if deep {
                steps += try await backend.integrityCheck(scratch)
                steps += try await healthCheck(scratch, manifest: manifest)
            }
            await scratch.drop()
            return steps
        } catch {
            await scratch.drop()
            throw error
        }
    }

    /// A backend able to hold a scratch copy of `manifest`'s database: a SQLite backup restores
    /// into a file anywhere; a PostgreSQL backup needs the configured PostgreSQL server.
    func scratchBackend(for manifest: BackupManifest) throws -> any BackupBackend {
        let configured = try BackupBackends.make(configuration: configuration)
        if manifest.backend == configured.name { return configured }
        if manifest.backend == "sqlite" {
            return SQLiteBackupBackend(
                path: (configuration.ops.backupDirectory as NSString).appendingPathComponent("scratch.sqlite"))
        }
        throw BackupError.backendMismatch(id: manifest.id, backup: manifest.backend, store: configured.name)
    }

    /// Every file of the manifest present with its size and SHA-256, and no file it does not list.
    static func checkFiles(_ directory: String, manifest: BackupManifest) throws -> String {
        let id = manifest.id
        let present = Set(try BackupCreator.listFiles(directory)).subtracting([BackupManifest.fileName])
        for file in manifest.files {
            let path = (directory as NSString).appendingPathComponent(file.path)
            guard present.contains(file.path) else { throw BackupError.fileMissing(id: id, file: file.path) }
            let digest = try FileDigest.of(path: path)
            guard digest.size == file.size else {
                throw BackupError.sizeMismatch(id: id, file: file.path, expected: file.size, actual: digest.size)
            }
            guard digest.sha256 == file.sha256 else {
                throw BackupError.checksumMismatch(
                    id: id, file: file.path, expected: file.sha256, actual: digest.sha256)
            }
        }
        if let extra = present.subtracting(manifest.files.map(\.path)).sorted().first {
            throw BackupError.unexpectedFile(id: id, file: extra)
        }
        let bytes = manifest.totalBytes.digitsGrouped
        return "\(manifest.files.count) files, \(bytes) bytes: sizes and SHA-256 as in the manifest"
    }

    /// The store at `url` holds exactly the tables and row counts of the manifest.
    static func compareCensus(_ url: String, manifest: BackupManifest) async throws -> String {
        let store = try await openStore(url: url)
        let census: TableCensus
        do {
            census = try await TableCensus.take(store)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
        return try compare(census, manifest: manifest)
    }

    static func compare(_ census: TableCensus, manifest: BackupManifest) throws -> String {
        for (table, expected) in manifest.rowCounts.sorted(by: { $0.key < $1.key }) {
            let actual = census.rowCounts[table]
            guard actual == expected else {
                throw BackupError.rowCountMismatch(id: manifest.id, table: table, expected: expected, actual: actual)
            }
        }
        if let extra = Set(census.rowCounts.keys).subtracting(manifest.rowCounts.keys).sorted().first {
            throw BackupError.rowCountMismatch(
                id: manifest.id, table: extra, expected: 0, actual: census.rowCounts[extra])
        }
        let rows = manifest.rowCounts.values.reduce(0, +).digitsGrouped
        return "\(manifest.rowCounts.count) tables, \(rows) rows: counts as in the manifest"
    }

    /// The health check's store checks on the restored store; its database check must pass.
    func healthCheck(_ scratch: ScratchStore, manifest: BackupManifest) async throws -> [String] {
        var scratchConfiguration = configuration
        scratchConfiguration.databaseURL = scratch.url
        scratchConfiguration.redisURL = nil
        var checker = HealthChecker(configuration: scratchConfiguration, apiURL: nil)
        // Whether the restored store opens, not how fast: the probe's 5 s deadline is for a
        // live service, and a busy server (a restore beside production load) can take longer.
        checker.timeout = .seconds(60)
        let report = await checker.run()
        let storeChecks = report.checks.filter { ["database", "sync", "quality", "factors"].contains($0.name) }
        if let database = storeChecks.first(where: { $0.name == "database" }), database.level != .ok {
            throw BackupError.integrityFailed(id: manifest.id, reason: "health check: \(database.message)")
        }
        return storeChecks.map { "health \($0.name): \($0.level.rawValue), \($0.message)" }
    }
}
