import Foundation
import StockSchoolCore

/// The backups in the backup directory. A backup is complete when its directory holds
/// `manifest.json` (written last); directories being written are hidden (`.<id>.partial`).
public struct BackupCatalog: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public struct Entry: Sendable {
        public let id: BackupID
        public let path: String
        /// `nil` when the manifest is missing or unreadable (`problem` says which).
        public let manifest: BackupManifest?
        public let problem: BackupError?
    }

    /// Every directory named like a backup id, oldest first.
    public func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> Entry? in
            guard let id = try? BackupID(name) else { return nil }
            let path = self.path(of: id)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
            else { return nil }
            switch Result(catching: { () throws(BackupError) in try BackupManifest.read(directory: path, id: name) }) {
            case .success(let manifest): return Entry(id: id, path: path, manifest: manifest, problem: nil)
            case .failure(let problem): return Entry(id: id, path: path, manifest: nil, problem: problem)
            }
        }.sorted { $0.id < $1.id }
    }

    /// The complete backups, oldest first.
    public func complete() -> [Entry] { entries().filter { $0.manifest != nil } }

    public func path(of id: BackupID) -> String {
        (directory as NSString).appendingPathComponent(id.description)
    }

    /// The backup named `text`, or the newest complete one when `text` is `nil`.
    public func resolve(_ text: String?) throws(BackupError) -> (entry: Entry, manifest: BackupManifest) {
        let entry: Entry
        if let text {
            let id = try BackupID(text)
            guard let found = entries().first(where: { $0.id == id }) else {
                throw .notFound(id: text, directory: directory)
            }
            entry = found
        } else {
            guard let newest = complete().last else { throw .noBackups(directory: directory) }
            entry = newest
        }
        if let problem = entry.problem { throw problem }
        guard let manifest = entry.manifest else { throw .manifestMissing(id: entry.id.description) }
        return (entry, manifest)
    }
}
