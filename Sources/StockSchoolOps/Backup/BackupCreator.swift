import Foundation
import StockSchoolCore
import StockSchoolStore

/// Takes a backup: dumps the store (and the Redis snapshot, the configuration and, for a full
/// backup, the logs) into a hidden `.<id>.partial` directory, reads the dump back whole, hashes
/// every file into `manifest.json`, and only then renames the directory to its id. Whatever
/// fails, the partial directory is removed and the error thrown: a backup that exists is
/// complete and checked.
public struct BackupCreator: Sendable {
    public var configuration: StockSchoolConfiguration
    /// The config file in use, copied (secrets redacted) into the backup.
    public var configFile: String?
    public var environment: [String: String]
    /// Skip the Redis snapshot even when Redis is configured.
    public var skipRedis = false
    public var timeZone: TimeZone = .current

    public init(
        configuration: StockSchoolConfiguration, configFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.configuration = configuration
        self.configFile = configFile
        self.environment = environment
    }

    public struct Outcome: Sendable {
        public let id: BackupID
        public let path: String
        public let manifest: BackupManifest
        public let seconds: Double
    }

    public func create(kind: BackupManifest.Kind, tag: BackupTag?, now: Date = Date()) async throws -> Outcome {
        let started = ContinuousClock.now
        let backend = try BackupBackends.make(configuration: configuration)
        let catalog = BackupCatalog(directory: configuration.ops.backupDirectory)
        try Self.makeDirectory(catalog.directory)
        var id = BackupID(time: now, tag: tag, timeZone: timeZone)
        while Self.taken(id, in: catalog) { id = id.nextSecond(timeZone: timeZone) }
        let partial = (catalog.directory as NSString).appendingPathComponent(".\(id).partial")
        try Self.makeDirectory(partial)
        do {
            let manifest = try await fill(partial, id: id, kind: kind, tag: tag, backend: backend, now: now)
            let final = catalog.path(of: id)
            guard rename(partial, final) == 0 else {
                throw BackupError.io(
                    path: final, reason: "cannot rename the finished backup: \(String(cString: strerror(errno)))")
            }
            Durability.sync(catalog.directory)
            return Outcome(id: id, path: final, manifest: manifest, seconds: (ContinuousClock.now - started).seconds)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    func fill(
        _ directory: String, id: BackupID, kind: BackupManifest.Kind, tag: BackupTag?, backend: any BackupBackend,
        now: Date
    ) async throws -> BackupManifest {
        let dumpPath = (directory as NSString).appendingPathComponent(backend.dumpFileName)
        let census = try await backend.dump(to: dumpPath)
        let dumpSize = (try? FileManager.default.attributesOfItem(atPath: dumpPath))?[.size] as? Int64 ?? 0
        guard dumpSize > 0, !census.rowCounts.isEmpty else { throw BackupError.emptyDump(file: dumpPath) }
        // Reading the dump back (the whole pg_dump archive) runs beside the hashing below, on
        // the other core.
        let readBack = Task { try await backend.checkReadable(dump: dumpPath) }
        var redisFile: String?
        if let url = configuration.redisURL, !skipRedis {
            try await RedisSnapshot.take(
                url: url, to: (directory as NSString).appendingPathComponent(RedisSnapshot.fileName))
            redisFile = RedisSnapshot.fileName
        }
        _ = try ConfigurationSnapshot.write(configFile: configFile, environment: environment, into: directory)
        if kind == .full { try Self.copyLogs(from: configuration.ops.logDirectory, into: directory) }
        let files: [BackupManifest.File]
        do {
            files = try Self.digestAll(directory)
        } catch {
            readBack.cancel()
            _ = try? await readBack.value
            throw error
        }
        try await readBack.value
        let manifest = BackupManifest(
            format: BackupManifest.currentFormat, id: id.description, kind: kind, tag: tag,
            createdAt: Timestamp(secondsSinceEpoch: now.timeIntervalSince1970).iso8601,
            finishedAt: Timestamp.now.iso8601, stockschoolVersion: StockSchoolVersion.current,
            schemaVersion: census.schemaVersion, backend: backend.name,
            store: StoreURL.masked(configuration.databaseURL), databaseFile: backend.dumpFileName,
            redisFile: redisFile, rowCounts: census.rowCounts, files: files)
        try manifest.write(directory: directory)
        Durability.sync(directory)
        return manifest
    }

    /// Every regular file under `directory` except the manifest, with size and SHA-256, synced to disk.
    static func digestAll(_ directory: String) throws(BackupError) -> [BackupManifest.File] {
        var files: [BackupManifest.File] = []
        for relative in try listFiles(directory) where relative != BackupManifest.fileName {
            let path = (directory as NSString).appendingPathComponent(relative)
            Durability.sync(path)
            let digest = try FileDigest.of(path: path)
            files.append(BackupManifest.File(path: relative, size: digest.size, sha256: digest.sha256))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Relative paths of the regular files under `directory`.
    static func listFiles(_ directory: String) throws(BackupError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw .io(path: directory, reason: "cannot list")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeRegular { files.append(relative) }
        }
        return files
    }

    static func copyLogs(from logDirectory: String, into backup: String) throws(BackupError) {
        let target = (backup as NSString).appendingPathComponent("logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logDirectory)) ?? []
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for name in names where name.contains(".log") {
                let source = (logDirectory as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                try FileManager.default.copyItem(
                    atPath: source, toPath: (target as NSString).appendingPathComponent(name))
            }
        } catch {
            throw .io(path: target, reason: "cannot copy the logs: \(error)")
        }
    }

    static func taken(_ id: BackupID, in catalog: BackupCatalog) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: catalog.path(of: id))
            || manager.fileExists(atPath: (catalog.directory as NSString).appendingPathComponent(".\(id).partial"))
    }

    static func makeDirectory(_ path: String) throws(BackupError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, reason: "cannot create the directory: \(error.localizedDescription)")
        }
    }
}
