import Crypto
import Foundation

/// A file's size and SHA-256, read in large chunks: a backup of a full market is gigabytes, and
/// hashing must cost little more than reading.
struct FileDigest: Sendable, Equatable {
    let size: Int64
    let sha256: String

    static func of(path: String) throws(BackupError) -> FileDigest {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw .io(path: path, reason: "read failed: \(error)")
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return FileDigest(size: size, sha256: hex)
    }
}

/// Flushes a file (or directory) to disk: a backup reported as taken must survive a power cut
/// that follows it.
enum Durability {
    static func sync(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
