import Foundation

/// The kernel's own counters from `/proc`, read the way `top`, `free`, `uptime`, `iostat` and
/// `netstat` read them, so the figures agree with the tools the manual names.
public enum ProcStat {
    /// Cumulative CPU jiffies: busy and total, from the first line of `/proc/stat`.
    public struct CPUTimes: Sendable, Equatable {
        public var busy: Double
        public var total: Double

        /// Busy share between two readings, in percent.
        public static func usagePercent(from start: CPUTimes, to end: CPUTimes) -> Double? {
            let total = end.total - start.total
            guard total > 0 else { return nil }
            return ((end.busy - start.busy) / total * 100).rounded(toPlaces: 1)
        }
    }

    /// `cpu user nice system idle iowait irq softirq steal guest guest_nice`: idle and iowait are
    /// not busy; guest time is already counted in user, so it is left out of the total.
    public static func cpuTimes(_ text: String) -> CPUTimes? {
        guard let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cpu ") }) else {
            return nil
        }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 4 else { return nil }
        let counted = Array(fields.prefix(8))
        let idle = counted[3] + (counted.count > 4 ? counted[4] : 0)
        let total = counted.reduce(0, +)
        return CPUTimes(busy: total - idle, total: total)
    }

    /// Memory in use (total − available), as `free` computes it since Linux 3.14.
    public struct Memory: Sendable, Equatable {
        public var totalBytes: Double
        public var availableBytes: Double

        public var usedPercent: Double {
            totalBytes > 0 ? ((totalBytes - availableBytes) / totalBytes * 100).rounded(toPlaces: 1) : 0
        }
    }

    public static func memory(_ text: String) -> Memory? {
        var fields: [Substring: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Double(parts[1]) else { continue }
            fields[parts[0].dropLast()] = value * 1024  // kB
        }
        guard let total = fields["MemTotal"], let available = fields["MemAvailable"] else { return nil }
        return Memory(totalBytes: total, availableBytes: available)
    }

    /// `/proc/loadavg`: the 1, 5 and 15 minute load averages.
    public static func loadAverage(_ text: String) -> (Double, Double, Double)? {
        let parts = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        guard parts.count == 3 else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// Per block device: sectors read and written and milliseconds spent doing I/O, from
    /// `/proc/diskstats`. Partitions and virtual devices (loop, ram) are left out, so a disk is
    /// not counted twice.
    public struct DiskCounters: Sendable, Equatable {
        public var device: String
        public var sectorsRead: Double
        public var sectorsWritten: Double
        public var ioMilliseconds: Double
    }

    public static func diskCounters(_ text: String) -> [DiskCounters] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 14 else { return nil }
            let device = String(parts[2])
            guard !device.hasPrefix("loop"), !device.hasPrefix("ram"), !isPartition(device),
                let read = Double(parts[5]), let written = Double(parts[9]), let busy = Double(parts[12])
            else { return nil }
            return DiskCounters(device: device, sectorsRead: read, sectorsWritten: written, ioMilliseconds: busy)
        }
    }

    /// `sda1`, `vda2`, `nvme0n1p1`, `mmcblk0p1` are partitions; `sda`, `nvme0n1`, `dm-0` are not.
    static func isPartition(_ device: String) -> Bool {
        if device.hasPrefix("nvme") || device.hasPrefix("mmcblk") {
            return device.range(of: #"p\d+$"#, options: .regularExpression) != nil
        }
        if device.hasPrefix("dm-") || device.hasPrefix("md") { return false }
        return device.last?.isNumber == true
    }

    /// TCP sockets by state from `/proc/net/tcp` and `/proc/net/tcp6` (the `st` column, hex).
    public static func tcpStates(_ tables: [String]) -> [String: Int] {
        let names = [
            "01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
            "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING",
        ]
        var counts: [String: Int] = [:]
        for table in tables {
            for line in table.split(whereSeparator: \.isNewline).dropFirst() {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count > 3 else { continue }
                counts[names[String(parts[3]).uppercased()] ?? "OTHER", default: 0] += 1
            }
        }
        return counts
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
