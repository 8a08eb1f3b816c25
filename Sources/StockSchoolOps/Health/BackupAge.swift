import Foundation
import StockSchoolCore

/// The newest complete backup in the backup directory (a `YYYYMMDD_HHMMSS[_tag]` directory with
/// its `manifest.json`): its name and age, counted from when the manifest was written.
/// Unfinished backups (no manifest, or hidden `.partial` directories) do not count.
public struct BackupAge: Sendable, Equatable {
    public var newest: String?
    public var ageHours: Double?
    public var count: Int

    public static func find(directory: String, now: Timestamp) -> BackupAge? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        var newest: (String, Double)?
        var count = 0
        for entry in BackupCatalog(directory: directory).complete() {
            let manifest = (entry.path as NSString).appendingPathComponent(BackupManifest.fileName)
            guard
                let modified = (try? FileManager.default.attributesOfItem(atPath: manifest))?[.modificationDate]
                    as? Date
            else { continue }
            count += 1
            if newest == nil || modified.timeIntervalSince1970 > newest?.1 ?? 0 {
                newest = (entry.id.description, modified.timeIntervalSince1970)
            }
        }
        return BackupAge(
            newest: newest?.0, ageHours: newest.map { ((now.secondsSinceEpoch - $0.1) / 3600).rounded(toPlaces: 2) },
            count: count)
    }
}
