import Foundation
import Logging
import StockSchoolOps
import Testing

/// Neither the log file nor standard error holds what the manual's 数据脱敏 hides.
@Suite struct FileLogMaskingTests {
    @Test func messagesAndMetadataAreMasked() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ss-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handler = FileLogHandler(label: "test", file: try LogFile(path: path), level: .info)
        let logger = Logger(label: "test") { _ in handler }
        logger.info(
            "sms to 13812345678 for zhangsan@example.com via postgres://app:s3cret@db/x",
            metadata: ["phone": "15900001111", "token": "abc123", "ts_code": "600000.SH"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("sms to 138****5678 for zh***@example.com via postgres://app:***@db/x"))
        #expect(text.contains("phone=159****1111"))
        #expect(text.contains("token=***"))
        #expect(text.contains("ts_code=600000.SH"))
        for secret in ["13812345678", "zhangsan@", "s3cret", "15900001111", "abc123"] {
            #expect(!text.contains(secret))
        }
    }

    /// What `serve` and `worker` print to standard error passes through `MaskingLogHandler`; the
    /// printer here is a recorder standing in for swift-log's `StreamLogHandler`.
    @Test func consoleRecordsAreMaskedBeforeTheyArePrinted() throws {
        let printed = Recorder()
        var logger = Logger(label: "test") { _ in MaskingLogHandler(RecordingHandler(recorder: printed)) }
        logger[metadataKey: "password"] = "hunter2"
        logger.error(
            "cannot reach postgres://app:s3cret@db/x for 13812345678",
            metadata: ["email": "zhangsan@example.com", "ts_code": "600000.SH"])
        let record = try #require(printed.records.first)
        #expect(printed.records.count == 1)
        #expect(record.message == "cannot reach postgres://app:***@db/x for 138****5678")
        #expect(record.metadata["password"] == "***")
        #expect(record.metadata["email"] == "zh***@example.com")
        #expect(record.metadata["ts_code"] == "600000.SH")
        let all = record.message + record.metadata.values.joined()
        for secret in ["s3cret", "13812345678", "hunter2", "zhangsan@"] { #expect(!all.contains(secret)) }
        // The level still reaches the printer.
        logger.logLevel = .warning
        logger.info("not printed")
        #expect(printed.records.count == 1)
    }

    /// `serve` and `worker` print and write each record through one handler: the logger's
    /// metadata, kept once, reaches both outputs masked, and masking twice changes nothing.
    @Test func consoleAndFileTakeTheSameMaskedRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ss-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let printed = Recorder()
        let file = FileLogHandler(label: "test", file: try LogFile(path: path), level: .info)
        var logger = Logger(label: "test") { _ in MaskingLogHandler(RecordingHandler(recorder: printed), file) }
        logger[metadataKey: "phone"] = "15900001111"
        logger[metadataKey: "request"] = "r-1"
        logger.warning("mail zhangsan@example.com")
        logger.logLevel = .error
        logger.warning("below the level")

        let record = try #require(printed.records.first)
        #expect(printed.records.count == 1)
        #expect(record.message == "mail zh***@example.com")
        #expect(record.metadata == ["phone": "159****1111", "request": "r-1"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasSuffix("warning [test] mail zh***@example.com phone=159****1111 request=r-1") == true)
    }
}

/// What a handler was given to print.
private final class Recorder: @unchecked Sendable {
    // @unchecked: one test thread writes and reads it.
    var records: [(message: String, metadata: [String: String])] = []
}

private struct RecordingHandler: LogHandler {
    let recorder: Recorder
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        recorder.records.append(("\(event.message)", fields.mapValues { "\($0)" }))
    }
}
