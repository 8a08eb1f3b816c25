import Foundation
import StockSchoolCore
import StockSchoolStore

/// `stockschool perf`: the manual's `performance_check.sh` — resource use from `/proc`, the API's
/// latency and error rate from its live `/metrics`, database activity and Redis memory — each
/// judged against the manual's thresholds (CPU 80%, memory 85%, p95 2 s, errors 5%, 80 database
/// connections, Redis memory 80%).
public struct PerfChecker: Sendable {
    public var configuration: StockSchoolConfiguration
    public var apiURL: String?
    /// Rates (CPU, disk I/O, API requests) are measured over this interval.
    public var interval: Duration = .seconds(1)
    public var timeout: Duration = .seconds(5)

    public static let cpuWarningPercent = 80.0
    public static let memoryWarningPercent = 85.0
    public static let apiP95WarningSeconds = 2.0
    public static let apiErrorRateCritical = 0.05
    public static let databaseConnectionsWarning = 80
    public static let redisMemoryWarningPercent = 80.0

    public init(configuration: StockSchoolConfiguration, apiURL: String?) {
        self.configuration = configuration
        self.apiURL = apiURL
    }

    public func run(now: Timestamp = .now) async -> PerfReport {
        let cpuStart = ProcStat.read("/proc/stat").flatMap(ProcStat.cpuTimes)
        let diskStart = ProcStat.read("/proc/diskstats").map(ProcStat.diskCounters) ?? []
        let scrapeStart = await scrape()
        let clock = ContinuousClock()
        let started = clock.now
        try? await Task.sleep(for: interval)
        let elapsed = (clock.now - started).seconds
        let cpuEnd = ProcStat.read("/proc/stat").flatMap(ProcStat.cpuTimes)
        let diskEnd = ProcStat.read("/proc/diskstats").map(ProcStat.diskCounters) ?? []
        let scrapeEnd = await scrape()

        var checks: [CheckResult] = []
        checks.append(cpuCheck(cpuStart, cpuEnd))
        checks.append(memoryCheck())
        checks.append(loadCheck())
        checks.append(diskIOCheck(diskStart, diskEnd, seconds: elapsed))
        checks.append(connectionsCheck())
        if apiURL != nil { checks.append(apiCheck(scrapeStart, scrapeEnd, seconds: elapsed)) }
        let (databaseCheck, activity) = await databaseCheck()
        checks.append(databaseCheck)
        if let cache = await cacheCheck() { checks.append(cache) }
        return PerfReport(
            checkedAt: now, intervalSeconds: elapsed.rounded(toPlaces: 3), checks: checks, database: activity)
    }

    func scrape() async -> Result<APIRequestFigures, any Error>? {
        guard let apiURL else { return nil }
        do {
            let answer = try await APIProbe(baseURL: apiURL, timeout: timeout).get("/metrics")
            guard answer.status == 200 else {
                return .failure(ProbeFailure(description: "\(apiURL)/metrics answered \(answer.status)"))
            }
            return .success(APIRequestFigures(PrometheusSample.parse(answer.text)))
        } catch {
            return .failure(error)
        }
    }

    func cpuCheck(_ start: ProcStat.CPUTimes?, _ end: ProcStat.CPUTimes?) -> CheckResult {
        guard let start, let end, let percent = ProcStat.CPUTimes.usagePercent(from: start, to: end) else {
            return CheckResult(name: "cpu", level: .ok, message: "CPU use unknown (no /proc/stat)")
        }
        let high = percent > Self.cpuWarningPercent
        return CheckResult(
            name: "cpu", level: high ? .warning : .ok,
            message: "CPU \(percent)% busy\(high ? " (over 80%)" : "")", values: ["used_percent": percent])
    }

    func memoryCheck() -> CheckResult {
        guard let memory = ProcStat.read("/proc/meminfo").flatMap(ProcStat.memory) else {
            return CheckResult(name: "memory", level: .ok, message: "memory use unknown (no /proc/meminfo)")
        }
        let percent = memory.usedPercent
        let high = percent > Self.memoryWarningPercent
        let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / 1_073_741_824) }
        return CheckResult(
            name: "memory", level: high ? .warning : .ok,
            message:
                "memory \(percent)% used (\(gib(memory.availableBytes)) of \(gib(memory.totalBytes)) available)\(high ? " (over 85%)" : "")",
            values: [
                "used_percent": percent, "total_bytes": memory.totalBytes, "available_bytes": memory.availableBytes,
            ])
    }

    func loadCheck() -> CheckResult {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        guard let (one, five, fifteen) = ProcStat.read("/proc/loadavg").flatMap(ProcStat.loadAverage) else {
            return CheckResult(name: "load", level: .ok, message: "load unknown (no /proc/loadavg)")
        }
        return CheckResult(
            name: "load", level: .ok,
            message: "load average \(one) \(five) \(fifteen) on \(Int(cores)) cores",
            values: ["load1": one, "load5": five, "load15": fifteen, "cores": cores])
    }

    func diskIOCheck(
        _ start: [ProcStat.DiskCounters], _ end: [ProcStat.DiskCounters], seconds: Double
    )
        -> CheckResult
    {
        guard seconds > 0 else { return CheckResult(name: "disk_io", level: .ok, message: "no interval") }
        let before = Dictionary(start.map { ($0.device, $0) }, uniquingKeysWith: { a, _ in a })
        var values: [String: Double] = [:]
        var parts: [String] = []
        for counters in end {
            guard let earlier = before[counters.device] else { continue }
            // Sectors are 512 bytes in /proc/diskstats whatever the device's block size.
            let read = (counters.sectorsRead - earlier.sectorsRead) * 512 / seconds
            let written = (counters.sectorsWritten - earlier.sectorsWritten) * 512 / seconds
            let util = min(100, (counters.ioMilliseconds - earlier.ioMilliseconds) / (seconds * 1000) * 100)
            values["\(counters.device)_read_bytes_per_second"] = read.rounded()
            values["\(counters.device)_write_bytes_per_second"] = written.rounded()
            values["\(counters.device)_util_percent"] = util.rounded(toPlaces: 1)
            parts.append(
                "\(counters.device) read \(String(format: "%.1f", read / 1_048_576)) MiB/s, write \(String(format: "%.1f", written / 1_048_576)) MiB/s, \(util.rounded(toPlaces: 1))% busy"
            )
        }
        return CheckResult(
            name: "disk_io", level: .ok, message: parts.isEmpty ? "no block devices" : parts.joined(separator: "; "),
            values: values)
    }

    func connectionsCheck() -> CheckResult {
        let tables = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap(ProcStat.read)
        let states = ProcStat.tcpStates(tables)
        let total = states.values.reduce(0, +)
        let listed = states.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var values = Dictionary(uniqueKeysWithValues: states.map { ($0.key.lowercased(), Double($0.value)) })
        values["total"] = Double(total)
        return CheckResult(name: "connections", level: .ok, message: "\(total) TCP sockets (\(listed))", values: values)
    }

    func apiCheck(
        _ start: Result<APIRequestFigures, any Error>?, _ end: Result<APIRequestFigures, any Error>?, seconds: Double
    ) -> CheckResult {
        guard case .success(let last) = end else {
            var reason = "not reachable"
            if case .failure(let error) = end { reason = "\(error)" }
            return CheckResult(name: "api", level: .critical, message: "API metrics unavailable: \(reason)")
        }
        // Figures of the interval when the API served requests in it; else since it started.
        var figures = last
        var scope = "since the API started"
        if case .success(let first) = start, last.since(first).requests > 0 {
            figures = last.since(first)
            scope = "over the last \(String(format: "%.1f", seconds)) s"
        }
        guard figures.requests > 0 else {
            return CheckResult(name: "api", level: .ok, message: "no API requests yet", values: ["requests": 0])
        }
        let p50 = figures.quantile(0.5) ?? 0
        let p95 = figures.quantile(0.95) ?? 0
        let p99 = figures.quantile(0.99) ?? 0
        let rate = figures.errorRate ?? 0
        let level: OpsLevel =
            rate > Self.apiErrorRateCritical ? .critical : p95 > Self.apiP95WarningSeconds ? .warning : .ok
        let ms = { (s: Double) in String(format: "%.1f ms", s * 1000) }
        return CheckResult(
            name: "api", level: level,
            message:
                "\(Int(figures.requests)) requests \(scope): p50 \(ms(p50)), p95 \(ms(p95)), p99 \(ms(p99)), 5xx \(String(format: "%.2f", rate * 100))%",
            values: [
                "requests": figures.requests, "p50_seconds": p50, "p95_seconds": p95, "p99_seconds": p99,
                "error_rate": rate,
            ])
    }

    func databaseCheck() async -> (CheckResult, DatabaseActivity?) {
        do {
            let opened = try await DatabaseProbe.open(url: configuration.databaseURL, timeout: timeout)
            let measured = await Result(catching: {
                try await DatabaseActivity.measure(opened.store, databaseURL: configuration.databaseURL)
            })
            try? await opened.store.close()
            let activity = try measured.get()
            var values: [String: Double] = ["latency_ms": opened.latency.milliseconds]
            if let size = activity.sizeBytes { values["size_bytes"] = size }
            let mib = { (bytes: Double?) in String(format: "%.1f MiB", (bytes ?? 0) / 1_048_576) }
            guard let connections = activity.connections else {
                return (
                    CheckResult(
                        name: "database", level: .ok,
                        message:
                            "SQLite \(mib(activity.sizeBytes)), WAL \(mib(activity.walBytes)), free pages \(mib(activity.freeBytes))",
                        latencyMS: opened.latency.milliseconds, values: values), activity
                )
            }
            values["connections"] = Double(connections)
            let high = connections > Self.databaseConnectionsWarning
            return (
                CheckResult(
                    name: "database", level: high ? .warning : .ok,
                    message:
                        "PostgreSQL \(connections) connections (max_connections \(activity.maxConnections.map(String.init) ?? "?"))\(high ? ", over 80" : ""), size \(mib(activity.sizeBytes))",
                    latencyMS: opened.latency.milliseconds, values: values), activity
            )
        } catch {
            return (CheckResult(name: "database", level: .critical, message: "unreachable: \(error)"), nil)
        }
    }

    func cacheCheck() async -> CheckResult? {
        guard let url = configuration.redisURL else { return nil }
        let probe = CacheProbe(url: url, timeout: timeout)
        do {
            let answer = try await probe.probe()
            guard let memory = answer.memory else {
                return CheckResult(
                    name: "cache", level: .ok, message: "Redis answered but INFO memory was unreadable",
                    latencyMS: answer.latency.milliseconds)
            }
            var values = ["used_memory_bytes": memory.usedBytes, "maxmemory_bytes": memory.maxBytes]
            let percent = memory.usedPercent
            if let percent { values["used_percent"] = percent }
            let high = (percent ?? 0) > Self.redisMemoryWarningPercent
            return CheckResult(
                name: "cache", level: high ? .warning : .ok,
                message: "Redis used_memory_human \(memory.usedHuman ?? "?")"
                    + (percent.map { ", \($0)% of maxmemory\(high ? " (over 80%)" : "")" } ?? ", no maxmemory set"),
                latencyMS: answer.latency.milliseconds, values: values)
        } catch {
            return CheckResult(
                name: "cache", level: .warning, message: "Redis unreachable (\(probe.displayURL)): \(error)")
        }
    }
}

/// A probe that got an answer, but not a usable one.
struct ProbeFailure: Error, CustomStringConvertible {
    let description: String
}
