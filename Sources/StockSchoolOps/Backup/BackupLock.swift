import Foundation

/// One backup command at a time per backup directory (two cron entries firing together, or a
/// restore while the nightly backup runs): an exclusive `flock` on `<backup dir>/.lock`.
public enum BackupLock {
    public struct Busy: Error, CustomStringConvertible {
        public let directory: String
        public var description: String {
            "another backup command is running on \(directory) (it holds \(directory)/.lock); try again when it ends"
        }
    }

    public static func run<T>(directory: String, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = FileLeaderLock(path: (directory as NSString).appendingPathComponent(".lock"))
        guard await lock.hold() else { throw Busy(directory: directory) }
        do {
            let result = try await body()
            await lock.release()
            return result
        } catch {
            await lock.release()
            throw error
        }
    }
}
