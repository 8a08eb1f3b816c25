import Foundation
import StockSchoolCore

/// The newest backup in the backup directory: its name and age. Any entry counts (a backup is a
/// file or a directory per run), except hidden ones and unfinished `*.partial` writes.
public struct BackupAge: Sendable, Equatable {
    public var newest: String?
    public var ageHours: Double?
    public var count: Int

    public static func find(directory: String, now: Timestamp) -> BackupAge? {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return nil }
        var newest: (String, Double)?
        var count = 0
        for name in names where !name.hasPrefix(".") && !name.hasSuffix(".partial") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date else {
                continue
            }
            count += 1
            if newest == nil || modified.timeIntervalSince1970 > newest?.1 ?? 0 {
                newest = (name, modified.timeIntervalSince1970)
            }
        }
        return BackupAge(
            newest: newest?.0, ageHours: newest.map { ((now.secondsSinceEpoch - $0.1) / 3600).rounded(toPlaces: 2) },
            count: count)
    }
}
