import Foundation
import StockSchoolCore

/// `manifest.json`, written last: a backup directory without one is unfinished. It lists every
/// file with its size and SHA-256, so `verify` can tell a flipped byte from a good copy, and the
/// row count of every table at the moment of the dump, so a restore can be checked against it.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    /// Bumped when the layout changes in a way older StockSchools cannot read.
    public static let currentFormat = 1

    public struct File: Codable, Sendable, Equatable {
        /// Relative to the backup directory, `/`-separated.
        public var path: String
        public var size: Int64
        public var sha256: String
    }

    public enum Kind: String, Codable, Sendable {
        /// Database, Redis snapshot and configuration: the nightly backup.
        case standard
        /// Also the logs: the manual's weekly `backup --full`.
        case full
    }

    public var format: Int
    public var id: String
    public var kind: Kind
    public var tag: BackupTag?
    public var createdAt: String
    public var finishedAt: String
    public var stockschoolVersion: String
    public var schemaVersion: Int
    /// `sqlite` or `postgres`.
    public var backend: String
    /// The store as configured, password masked.
    public var store: String
    /// The database dump, relative path: `database.sqlite` or `database.dump` (`pg_dump -Fc`).
    public var databaseFile: String
    public var redisFile: String?
    public var rowCounts: [String: Int]
    public var files: [File]

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }

    static func read(directory: String, id: String) throws(BackupError) -> BackupManifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { throw .manifestMissing(id: id) }
        do {
            let manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
            guard manifest.format <= currentFormat else {
                throw BackupError.manifestInvalid(
                    id: id, reason: "format \(manifest.format) is newer than this StockSchool reads (\(currentFormat))")
            }
            return manifest
        } catch let error as BackupError {
            throw error
        } catch {
            throw .manifestInvalid(id: id, reason: "\(error)")
        }
    }

    func write(directory: String) throws(BackupError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }
}
