import Foundation

/// The process's CPU, memory and file descriptors, from /proc (Linux), with the standard
/// `process_*` names Prometheus client libraries use.
enum ProcessMetrics {
    static func write(into text: inout PrometheusText) {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        // Fields after the command name (which may contain spaces) start at ") ".
        let fields = stat.split(separator: ")").last.map { $0.split(separator: " ").map(String.init) } ?? []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var cpu: Double?
        var start: Double?
        if fields.count > 20, let utime = Double(fields[11]), let stime = Double(fields[12]), ticks > 0 {
            cpu = (utime + stime) / ticks
            if let startTicks = Double(fields[19]), let boot = bootTime() { start = boot + startTicks / ticks }
        }
        text.family(
            "process_cpu_seconds_total", .counter, help: "User and system CPU time spent, in seconds.", value: cpu)
        text.family(
            "process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.",
            value: statm(field: 1).map { $0 * Double(sysconf(Int32(_SC_PAGESIZE))) })
        text.family(
            "process_virtual_memory_bytes", .gauge, help: "Virtual memory size in bytes.",
            value: statm(field: 0).map { $0 * Double(sysconf(Int32(_SC_PAGESIZE))) })
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count).map(Double.init)
        text.family("process_open_fds", .gauge, help: "Number of open file descriptors.", value: fds)
        text.family("process_max_fds", .gauge, help: "Maximum number of open file descriptors.", value: maxFDs())
        text.family(
            "process_start_time_seconds", .gauge, help: "Start time of the process since the Unix epoch, in seconds.",
            value: start)
    }

    private static func statm(field: Int) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ")
        return parts.count > field ? Double(parts[field]) : nil
    }

    private static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func maxFDs() -> Double? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }
}
