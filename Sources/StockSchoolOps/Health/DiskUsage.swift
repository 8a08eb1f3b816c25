import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How full the filesystem holding a path is, computed as `df` does: used / (used + available to
/// unprivileged users), so the percentage matches what the manual's `df -h` shows.
public struct DiskUsage: Sendable, Equatable {
    /// The path asked about, and the existing directory actually measured (a data directory that
    /// does not exist yet is measured where it would be created).
    public var path: String
    public var measuredPath: String
    public var totalBytes: Double
    public var availableBytes: Double
    public var usedBytes: Double

    public var usedPercent: Double {
        let denominator = usedBytes + availableBytes
        return denominator > 0 ? (usedBytes / denominator * 100).rounded(toPlaces: 1) : 0
    }

    public static func measure(_ path: String) -> DiskUsage? {
        var candidate = URL(fileURLWithPath: path).standardizedFileURL.path
        while !FileManager.default.fileExists(atPath: candidate), candidate != "/" {
            candidate = (candidate as NSString).deletingLastPathComponent
            if candidate.isEmpty { candidate = "/" }
        }
        var info = statvfs()
        guard statvfs(candidate, &info) == 0 else { return nil }
        let block = Double(info.f_frsize)
        let total = Double(info.f_blocks) * block
        let free = Double(info.f_bfree) * block
        let available = Double(info.f_bavail) * block
        return DiskUsage(
            path: path, measuredPath: candidate, totalBytes: total, availableBytes: available,
            usedBytes: total - free)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
