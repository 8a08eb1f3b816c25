import Foundation

/// Applies `BackupRetention` to the backup directory: removes the complete backups no slot keeps,
/// and unfinished ones (a directory without manifest, a hidden `.partial`) left by a killed run.
/// Runs under the backup lock, so no backup being written is ever removed.
public struct BackupPruner: Sendable {
    public let directory: String
    public let retention: BackupRetention
    public var timeZone: TimeZone = .current

    public init(directory: String, retention: BackupRetention) {
        self.directory = directory
        self.retention = retention
    }

    public struct Decision: Sendable, Encodable {
        public let id: String
        public let keep: Bool
        public let reasons: [String]
    }

    /// What `prune` keeps and removes, newest first; removes nothing when `dryRun`.
    public func prune(dryRun: Bool) throws -> [Decision] {
        let catalog = BackupCatalog(directory: directory)
        let entries = catalog.entries()
        let keep = retention.keep(entries.filter { $0.manifest != nil }.map(\.id), timeZone: timeZone)
        var decisions: [Decision] = []
        for entry in entries.reversed() {
            let reasons = entry.manifest == nil ? ["unfinished"] : keep[entry.id] ?? []
            let kept = entry.manifest != nil && !reasons.isEmpty
            decisions.append(Decision(id: entry.id.description, keep: kept, reasons: reasons))
            if !kept && !dryRun {
                do {
                    try FileManager.default.removeItem(atPath: entry.path)
                } catch {
                    throw BackupError.io(path: entry.path, reason: "cannot remove: \(error.localizedDescription)")
                }
            }
        }
        if !dryRun {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names where name.hasPrefix(".") && (name.hasSuffix(".partial") || name.hasSuffix(".restoring"))
            {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
        return decisions
    }
}
