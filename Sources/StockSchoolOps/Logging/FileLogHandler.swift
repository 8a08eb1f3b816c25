import Foundation
import Logging
import StockSchoolCore

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

/// Sets up a long-running process's logging: standard error as before, plus
/// `<log.dir>/stockschool-<process>.log`.
public enum ProcessLogging {
    /// Returns the log file's path. Call once, before the first logger is made.
    @discardableResult
    public static func bootstrap(process: String, configuration: StockSchoolConfiguration) throws -> String {
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let path = (configuration.ops.logDirectory as NSString).appendingPathComponent("stockschool-\(process).log")
        let file = try LogFile(path: path)
        LoggingSystem.bootstrap { label in
            // Standard error is collected too (journald, `docker logs`), so it is masked like the file.
            var console = MaskingLogHandler(StreamLogHandler.standardError(label: label))
            console.logLevel = level
            return MultiplexLogHandler([console, FileLogHandler(label: label, file: file, level: level)])
        }
        return path
    }
}
