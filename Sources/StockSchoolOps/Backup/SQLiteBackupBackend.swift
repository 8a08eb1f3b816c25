import Foundation
import StockSchoolCore
import StockSchoolStore

/// The embedded store: the dump is a copy made with SQLite's online backup API (consistent while
/// writers go on), a restore is a copy of that file, and the swap is a `rename(2)` in the store's
/// own directory.
struct SQLiteBackupBackend: BackupBackend {
    let path: String
    let name = "sqlite"
    let dumpFileName = "database.sqlite"

    func liveStoreExists() async -> Bool { FileManager.default.fileExists(atPath: path) }

    func dump(to destination: String) async throws -> TableCensus {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BackupError.io(path: path, reason: "no store here (stockschool init creates it)")
        }
        let store = try SQLiteStore(path: path)
        do {
            let census = try await store.onlineBackup(to: destination)
            try await store.close()
            return census
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The header's page size times its page count must be the file's size: SQLite wrote the
    /// copy and counted every table of it; a file cut short afterwards fails here.
    func checkReadable(dump path: String) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.emptyDump(file: path) }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int64 ?? 0
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw BackupError.emptyDump(file: "\(path) (not an SQLite database)")
        }
        let rawPageSize = Int64(header[16]) << 8 | Int64(header[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        let pages = header[28..<32].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard pageSize * pages == size else {
            throw BackupError.emptyDump(
                file: "\(path) (\(size) bytes where its header says \(pages) pages of \(pageSize))")
        }
    }

    func census(ofDump path: String) async throws -> TableCensus? {
        try await SQLiteStore.census(readOnly: path)
    }

    /// A SQLite backup is a database: the copy has its indexes whatever `indexes` says.
    func restoreScratch(
        dump: String, label: String, nearLive: Bool, workDirectory: String, indexes: Bool
    ) async throws
        -> ScratchStore
    {
        let target = ((nearLive ? directory : workDirectory) as NSString)
            .appendingPathComponent(
                ".\((path as NSString).lastPathComponent).\(label).\(ScratchOwner.current).restoring")
        Self.remove(target)
        do {
            try FileManager.default.copyItem(atPath: dump, toPath: target)
        } catch {
            throw BackupError.io(path: target, reason: "cannot copy the backup here: \(error.localizedDescription)")
        }
        return ScratchStore(
            url: "sqlite://\(target.hasPrefix("/") ? "" : "/")\(target)", location: target,
            drop: { Self.remove(target) })
    }

    /// Scratch copies are `.<store file>.<label>.<owner>.restoring`, beside the store or in the
    /// backup directory.
    func sweepAbandonedScratch(workDirectory: String) async -> [String] {
        let prefix = ".\((path as NSString).lastPathComponent)."
        let suffix = ".restoring"
        var removed: [String] = []
        for folder in Set([directory, workDirectory]) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
                guard let owner = name.dropLast(suffix.count).split(separator: ".").last,
                    ScratchOwner.isAbandoned(owner)
                else { continue }
                Self.remove((folder as NSString).appendingPathComponent(name))
                removed.append("removed \(name), a scratch copy left by a killed run (process \(owner))")
            }
        }
        return removed
    }

    func integrityCheck(_ scratch: ScratchStore) async throws -> [String] {
        let store = try SQLiteStore(path: scratch.location)
        let problems: String?
        do {
            problems = try await store.integrityProblems()
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
        if let problems { throw BackupError.integrityFailed(id: scratch.location, reason: problems) }
        return ["PRAGMA integrity_check: ok"]
    }

    func replaceLive(with scratch: ScratchStore, terminateSessions: Bool) async throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            // An empty write-ahead log after the checkpoint means no reader or writer is inside
            // the store; its -wal and -shm must go, or SQLite would replay them onto the new file.
            guard try SQLiteStore.checkpointForReplacement(path: path) else {
                throw BackupError.storeInUse(reason: "another process holds \(path) open in a transaction")
            }
            Self.removeSidecars(of: path)
        }
        guard rename(scratch.location, path) == 0 else {
            throw BackupError.io(
                path: path, reason: "cannot move the restored copy into place: \(String(cString: strerror(errno)))")
        }
        Durability.sync(directory)
    }

    /// The directory holding the store, where scratch copies go so that a rename can swap them in.
    var directory: String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    static func remove(_ file: String) {
        try? FileManager.default.removeItem(atPath: file)
        removeSidecars(of: file)
    }

    static func removeSidecars(of file: String) {
        for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: file + suffix) }
    }
}
