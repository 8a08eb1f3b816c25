import Foundation
import Logging
import StockSchoolCore
import Synchronization

/// Writes log records as lines `2026-11-27T10:30:00.123Z error [stockschool.api] message key=value`:
/// the time first (so `stockschool health` can count only the last day's errors) and the level in
/// words (so the manual's `grep -i "error\|exception\|critical" logs/*.log` finds them). Message
/// and metadata pass through `SensitiveDataMasking` first.
public struct FileLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let file: LogFile

    public init(label: String, file: LogFile, level: Logger.Level) {
        self.label = label
        self.file = file
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        // Phone numbers, e-mail addresses and secrets never reach the file (the manual's 数据脱敏).
        let tail = MaskingLogHandler.masked(fields).sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }
            .joined()
        let message = SensitiveDataMasking.maskText("\(event.message)".replacingOccurrences(of: "\n", with: " "))
        file.append("\(Timestamp.now.iso8601) \(event.level.rawValue) [\(label)] \(message)\(tail)\n")
    }
}

/// The process's logging. Every `stockschool` command prints its log records to standard error,
/// masked like the log file (journald and `docker logs` keep that stream too); `serve` and
/// `worker` also write `<log.dir>/stockschool-<process>.log`.
public enum ProcessLogging {
    private struct Settings: Sendable {
        var level: Logger.Level = .info
        var file: LogFile?
    }

    /// Read by the handler factory each time a logger is made.
    private static let settings = Mutex(Settings())

    /// Installs the handler factory. Call once, at process start, before the first logger is made
    /// (swift-log takes one bootstrap per process).
    public static func install() {
        LoggingSystem.bootstrap { label in
            let current = settings.withLock { $0 }
            var handler =
                if let file = current.file {
                    MaskingLogHandler(
                        StreamLogHandler.standardError(label: label),
                        FileLogHandler(label: label, file: file, level: current.level))
                } else {
                    MaskingLogHandler(StreamLogHandler.standardError(label: label))
                }
            handler.logLevel = current.level
            return handler
        }
    }

    /// A long-running process's log level and file, for every logger made from now on; returns
    /// the file's path.
    @discardableResult
    public static func bootstrap(process: String, configuration: StockSchoolConfiguration) throws -> String {
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let path = (configuration.ops.logDirectory as NSString).appendingPathComponent("stockschool-\(process).log")
        let file = try LogFile(path: path)
        settings.withLock { $0 = Settings(level: level, file: file) }
        return path
    }
}
