import Foundation
import StockSchoolCore

/// Why a backup was taken beyond the schedule: the manual's `--emergency` (before a restore or a
/// risky change) and `--pre-release` (before a rolling update).
public enum BackupTag: String, Sendable, Codable, CaseIterable {
    case emergency
    case preRelease = "pre-release"
}

/// A backup's name: `YYYYMMDD_HHMMSS[_tag]` in the host's local time, the time the backup started
/// (the manual's `backup.sh restore 20240101_020000`). Ids sort by time.
public struct BackupID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `YYYYMMDD_HHMMSS`.
    public let stamp: String
    public let tag: BackupTag?

    public init(stamp: String, tag: BackupTag?) {
        self.stamp = stamp
        self.tag = tag
    }

    public init(_ text: String) throws(BackupError) {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0].count == 8, parts[1].count == 6,
            (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber }),
            Self.date(from: parts[0] + parts[1]) != nil
        else { throw .invalidID(text) }
        var tag: BackupTag?
        if parts.count == 3 {
            guard let known = BackupTag(rawValue: parts[2]) else { throw .invalidID(text) }
            tag = known
        }
        self.init(stamp: parts[0] + "_" + parts[1], tag: tag)
    }

    /// The id of a backup started at `time` in `timeZone`.
    public init(time: Date, tag: BackupTag?, timeZone: TimeZone = .current) {
        self.init(stamp: Self.formatter(timeZone).string(from: time), tag: tag)
    }

    public var description: String { tag.map { "\(stamp)_\($0.rawValue)" } ?? stamp }

    /// When the backup started, read back from the stamp.
    public func time(timeZone: TimeZone = .current) -> Date? {
        Self.date(from: stamp.replacingOccurrences(of: "_", with: ""), timeZone: timeZone)
    }

    /// The same id one second later: two backups started within one second still get distinct names.
    func nextSecond(timeZone: TimeZone = .current) -> BackupID {
        guard let time = time(timeZone: timeZone) else { return self }
        return BackupID(time: time.addingTimeInterval(1), tag: tag, timeZone: timeZone)
    }

    public static func < (lhs: BackupID, rhs: BackupID) -> Bool {
        lhs.stamp != rhs.stamp ? lhs.stamp < rhs.stamp : lhs.description < rhs.description
    }

    static func formatter(_ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyyMMdd_HHmmss"
        return formatter
    }

    static func date(from digits: String, timeZone: TimeZone = .current) -> Date? {
        let formatter = formatter(timeZone)
        formatter.dateFormat = "yyyyMMddHHmmss"
        formatter.isLenient = false
        return formatter.date(from: digits)
    }
}
