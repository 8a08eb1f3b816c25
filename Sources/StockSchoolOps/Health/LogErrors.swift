import Foundation
import StockSchoolCore

/// Error lines in the recent logs: the manual's `grep -i "error\|exception\|critical" logs/*.log`,
/// limited to the last day so that yesterday's incident does not keep today's check red.
public struct LogErrors: Sendable, Equatable {
    public var files: Int
    public var count: Int
    /// The last matching line of the most recently written log, to show what the problem
    /// looks like.
    public var latest: String?

    /// How much of each file's end is read: a day of logs of a busy server is far less, and a
    /// runaway log must not make the health check slow.
    static let tailBytes = 8 << 20

    /// Scans `*.log` in `directory` changed within `window` of `now`. Lines that start with an
    /// ISO 8601 time (as StockSchool's own do) count only when that time is in the window; a line
    /// without one (a stack trace's continuation) belongs to the last timed line above it, or to
    /// the file's modification time when there is none.
    public static func scan(directory: String, now: Timestamp, window: Double = 86_400) -> LogErrors {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            return LogErrors(files: 0, count: 0, latest: nil)
        }
        let since = now.secondsSinceEpoch - window
        var result = LogErrors(files: 0, count: 0, latest: nil)
        var latestTime = -Double.infinity
        for name in names.sorted() where name.hasSuffix(".log") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                let modified = attributes[.modificationDate] as? Date,
                modified.timeIntervalSince1970 >= since,
                let text = tail(path)
            else { continue }
            result.files += 1
            var lineTime = modified.timeIntervalSince1970
            var sawStamp = false
            for line in text.split(whereSeparator: \.isNewline) {
                if let stamp = line.split(separator: " ", maxSplits: 1).first.flatMap({ Timestamp(iso8601: String($0)) }
                ) {
                    lineTime = stamp.secondsSinceEpoch
                    sawStamp = true
                } else if !sawStamp {
                    lineTime = modified.timeIntervalSince1970
                }
                guard matches(line), lineTime >= since else { continue }
                result.count += 1
                // What `tail` would show: the last match of the most recently written file.
                if modified.timeIntervalSince1970 >= latestTime {
                    latestTime = modified.timeIntervalSince1970
                    result.latest = String(line.prefix(300))
                }
            }
        }
        return result
    }

    static func matches(_ line: Substring) -> Bool {
        let lower = line.lowercased()
        return lower.contains("error") || lower.contains("exception") || lower.contains("critical")
    }

    static func tail(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(tailBytes) ? size - UInt64(tailBytes) : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
