import Foundation
import StockSchoolCore
import StockSchoolStore

/// What a backup needs from a kind of store: a consistent dump with the census that matches it,
/// a restore into a scratch store that no one uses, and the atomic swap of that scratch store
/// for the live one. Nothing is ever restored onto a live schema.
protocol BackupBackend: Sendable {
    /// `sqlite` or `postgres`, as in the manifest.
    var name: String { get }
    /// The dump's file name inside the backup directory.
    var dumpFileName: String { get }
    /// Whether the live store exists (a full-system restore starts without one).
    func liveStoreExists() async -> Bool
    /// Writes the dump to `path` and returns the census of exactly what it holds.
    func dump(to path: String) async throws -> TableCensus
    /// Reads the whole dump (every data block), so a truncated or damaged file fails here.
    func checkReadable(dump path: String) async throws
    /// The census of a dump read in place, when the dump is itself a database (SQLite); `nil`
    /// when it must be restored to be counted.
    func census(ofDump path: String) async throws -> TableCensus?
    /// Restores `dump` into a new store nobody else knows of; `nearLive` puts it where it can
    /// later replace the live store atomically (same directory or server). A store that is not
    /// `nearLive` is only checked, then dropped, so it need not survive a crash (PostgreSQL
    /// loads it into UNLOGGED tables). Without `indexes` the store gets its tables and rows only
    /// (enough to count them, as `verify` does); a store that is checked or swapped in is
    /// restored whole.
    func restoreScratch(
        dump path: String, label: String, nearLive: Bool, workDirectory: String, indexes: Bool
    ) async throws
        -> ScratchStore
    /// Removes the scratch stores of this store that a killed run of this host left behind (see
    /// `ScratchOwner`), and says what it removed. Never fails: what cannot be removed stays.
    func sweepAbandonedScratch(workDirectory: String) async -> [String]
    /// Checks beyond row counts: SQLite's `integrity_check`; PostgreSQL's catalog (no invalid
    /// index, every table readable) and `amcheck` where installed. Returns what was checked.
    func integrityCheck(_ scratch: ScratchStore) async throws -> [String]
    /// Swaps `scratch` in for the live store. Throws `storeInUse` when something still uses it.
    func replaceLive(with scratch: ScratchStore, terminateSessions: Bool) async throws
}

/// A store restored from a dump: its URL to open it, and how to remove it.
struct ScratchStore: Sendable {
    let url: String
    /// The SQLite file or the PostgreSQL database name.
    let location: String
    let drop: @Sendable () async -> Void
}

enum BackupBackends {
    static func make(configuration: StockSchoolConfiguration) throws -> any BackupBackend {
        switch try StoreURL(configuration.databaseURL) {
        case .sqlite(let path):
            return SQLiteBackupBackend(path: path)
        case .postgres(let location):
            return PostgresBackupBackend(
                location: location, displayURL: StoreURL.masked(configuration.databaseURL),
                compressionLevel: configuration.ops.backupCompressionLevel)
        }
    }
}
