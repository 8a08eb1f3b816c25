import Foundation
import Synchronization

/// An append-only log file shared by every logger of a process. Lines are written whole under
/// a lock, so two threads logging at once never interleave within a line.
public final class LogFile: Sendable {
    public let path: String
    private let handle: Mutex<FileHandle>

    /// Opens (creating the directory and file when missing) `path` for appending.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        _ = try handle.seekToEnd()
        self.path = path
        self.handle = Mutex(handle)
    }

    public func append(_ line: String) {
        handle.withLock { handle in
            // A full disk must not take the process down with it; the line is lost.
            try? handle.write(contentsOf: Data(line.utf8))
        }
    }
}
