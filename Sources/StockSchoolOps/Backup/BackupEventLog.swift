import Foundation
import Logging
import StockSchoolCore

/// Backup outcomes in `<log.dir>/stockschool-backup.log`, in the format of every StockSchool
/// log: a failure is an `error` line, which `stockschool health` counts and the alert rules
/// on log errors raise. The command's own output stays on the terminal.
public struct BackupEventLog: Sendable {
    let logger: Logger?

    public init(configuration: StockSchoolConfiguration) {
        let path = (configuration.ops.logDirectory as NSString).appendingPathComponent("stockschool-backup.log")
        if let file = try? LogFile(path: path) {
            logger = Logger(label: "stockschool.backup") { label in
                FileLogHandler(label: label, file: file, level: .info)
            }
        } else {
            logger = nil
        }
    }

    public func succeeded(_ message: String) { logger?.info("\(message)") }
    public func failed(_ message: String) { logger?.error("\(message)") }
}
