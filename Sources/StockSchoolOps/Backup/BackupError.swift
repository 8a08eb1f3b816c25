import Foundation

/// Why a backup command failed, worded for the operator who must act on it.
public enum BackupError: Error, CustomStringConvertible, Equatable {
    case invalidID(String)
    case notFound(id: String, directory: String)
    case noBackups(directory: String)
    case alreadyExists(id: String)
    case commandFailed(command: String, status: Int32, stderr: String)
    case toolMissing(tool: String, package: String)
    case emptyDump(file: String)
    case manifestMissing(id: String)
    case manifestInvalid(id: String, reason: String)
    case checksumMismatch(id: String, file: String, expected: String, actual: String)
    case sizeMismatch(id: String, file: String, expected: Int64, actual: Int64)
    case fileMissing(id: String, file: String)
    case unexpectedFile(id: String, file: String)
    case rowCountMismatch(id: String, table: String, expected: Int, actual: Int?)
    case integrityFailed(id: String, reason: String)
    case backendMismatch(id: String, backup: String, store: String)
    case schemaTooNew(id: String, backup: Int, known: Int)
    case storeInUse(reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidID(let text):
            return "'\(text)' is not a backup id (YYYYMMDD_HHMMSS, optionally _emergency or _pre-release)"
        case .notFound(let id, let directory):
            return "no backup \(id) in \(directory) (stockschool backup list shows them)"
        case .noBackups(let directory):
            return "no complete backup in \(directory) yet (stockschool backup create makes one)"
        case .alreadyExists(let id):
            return "backup \(id) already exists"
        case .commandFailed(let command, let status, let stderr):
            return "\(command) failed (exit status \(status))\(stderr.isEmpty ? "" : ": \(stderr)")"
        case .toolMissing(let tool, let package):
            return "\(tool) is not installed (Debian package \(package))"
        case .emptyDump(let file):
            return "the database dump \(file) is empty or truncated; nothing was kept"
        case .manifestMissing(let id):
            return "backup \(id) has no manifest.json: it is unfinished or not a StockSchool backup"
        case .manifestInvalid(let id, let reason):
            return "backup \(id): manifest.json is unreadable: \(reason)"
        case .checksumMismatch(let id, let file, let expected, let actual):
            return "backup \(id): \(file) is corrupt: SHA-256 \(actual) where the manifest says \(expected)"
        case .sizeMismatch(let id, let file, let expected, let actual):
            return "backup \(id): \(file) is \(actual) bytes where the manifest says \(expected)"
        case .fileMissing(let id, let file):
            return "backup \(id): \(file) is listed in the manifest but missing"
        case .unexpectedFile(let id, let file):
            return "backup \(id): \(file) is not in the manifest (added after the backup was taken)"
        case .rowCountMismatch(let id, let table, let expected, let actual):
            return
                "backup \(id): table \(table) restored with \(actual.map(String.init) ?? "no") rows where the manifest says \(expected)"
        case .integrityFailed(let id, let reason):
            return "backup \(id): integrity check failed: \(reason)"
        case .backendMismatch(let id, let backup, let store):
            return "backup \(id) holds a \(backup) database; the configured store is \(store)"
        case .schemaTooNew(let id, let backup, let known):
            return
                "backup \(id) has schema version \(backup); this StockSchool knows up to \(known): restore with a newer StockSchool"
        case .storeInUse(let reason):
            return "the store is in use (\(reason)); stop `stockschool serve` and `stockschool worker` first"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
