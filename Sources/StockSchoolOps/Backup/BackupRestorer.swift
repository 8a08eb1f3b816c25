import Foundation
import StockSchoolCore
import StockSchoolStore

/// Restores a backup over the configured store, in the order that never loses data: check the
/// backup's files; take an emergency backup of what is there now; restore into a new scratch
/// store beside the live one and check its row counts and integrity; swap it in atomically
/// (refusing while anything is connected); check the live store's row counts once more.
public struct BackupRestorer: Sendable {
    public var creator: BackupCreator
    var configuration: StockSchoolConfiguration { creator.configuration }

    public init(creator: BackupCreator) {
        self.creator = creator
    }

    public struct Outcome: Sendable, Encodable {
        public let id: String
        /// The backup of the replaced store; `nil` when there was no store to replace.
        public var emergencyBackup: String?
        public var steps: [String] = []
        public var seconds = 0.0
    }

    public func restore(_ text: String, terminateSessions: Bool) async throws -> Outcome {
        let started = ContinuousClock.now
        let catalog = BackupCatalog(directory: configuration.ops.backupDirectory)
        let (entry, manifest) = try catalog.resolve(text)
        var outcome = Outcome(id: manifest.id)
        let backend = try BackupBackends.make(configuration: configuration)
        guard manifest.backend == backend.name else {
            throw BackupError.backendMismatch(id: manifest.id, backup: manifest.backend, store: backend.name)
        }
        guard manifest.schemaVersion <= Migration.latestVersion else {
            throw BackupError.schemaTooNew(
                id: manifest.id, backup: manifest.schemaVersion, known: Migration.latestVersion)
        }
        outcome.steps.append(try BackupVerifier.checkFiles(entry.path, manifest: manifest))
        if await backend.liveStoreExists() {
            let emergency = try await creator.create(kind: .standard, tag: .emergency)
            outcome.emergencyBackup = emergency.id.description
            outcome.steps.append("emergency backup \(emergency.id) of the store being replaced")
        } else {
            outcome.steps.append("no store at \(StoreURL.masked(configuration.databaseURL)) yet: nothing to save first")
        }
        outcome.steps += await backend.sweepAbandonedScratch(workDirectory: catalog.directory)
        let dump = (entry.path as NSString).appendingPathComponent(manifest.databaseFile)
        let scratch = try await backend.restoreScratch(
            dump: dump, label: "\(manifest.id.prefix(15))", nearLive: true, workDirectory: catalog.directory,
            indexes: true)
        do {
            outcome.steps.append(try await BackupVerifier.compareCensus(scratch.url, manifest: manifest))
            outcome.steps += try await backend.integrityCheck(scratch)
            try await backend.replaceLive(with: scratch, terminateSessions: terminateSessions)
        } catch {
            await scratch.drop()
            throw error
        }
        outcome.steps.append("swapped in for \(StoreURL.masked(configuration.databaseURL))")
        let check = try await BackupVerifier.compareCensus(configuration.databaseURL, manifest: manifest)
        outcome.steps.append("live store: \(check)")
        outcome.seconds = (ContinuousClock.now - started).seconds
        return outcome
    }
}
