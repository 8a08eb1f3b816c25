import Foundation
import Logging
import StockSchoolOps
import Testing

/// The log file never holds what the manual's 数据脱敏 hides.
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
}
