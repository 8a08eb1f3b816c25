import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

/// `stockschool health`: the manual's daily system check in one command. Each check is
/// independent, so one broken dependency does not hide the state of the others; the database
/// being down makes the checks that need it (sync, quality) report that instead of guessing.
public struct HealthChecker: Sendable {
    public var configuration: StockSchoolConfiguration
    /// The API to probe; `nil` skips the API check (for hosts that run no server).
    public var apiURL: String?
    public var timeout: Duration = .seconds(5)

    /// The manual's thresholds: sync delay over 2 hours, data quality under 0.8.
    public static let syncLagWarningHours = 2.0
    public static let qualityWarning = 0.8
    /// Slower than this the API is considered degraded (the manual's p95 alert threshold).
    public static let apiSlowSeconds = 2.0
    /// The manual's factor calculation failure rate threshold.
    public static let factorFailureWarning = 0.1

    public init(configuration: StockSchoolConfiguration, apiURL: String?) {
        self.configuration = configuration
        self.apiURL = apiURL
    }

    /// The API's default address: `health.api_url`, else the configured server host and port
    /// (`0.0.0.0` is reached as loopback).
    public static func defaultAPIURL(_ configuration: StockSchoolConfiguration) -> String {
        if let url = configuration.ops.healthAPIURL { return url }
        let host = ["0.0.0.0", "::", ""].contains(configuration.serverHost) ? "127.0.0.1" : configuration.serverHost
        return "http://\(host):\(configuration.serverPort)"
    }

    public func run(now: Timestamp = .now) async -> HealthReport {
        var checks: [CheckResult] = []
        var store: (any MarketStore)?
        var sync: SyncStatus?
        do {
            let opened = try await DatabaseProbe.open(url: configuration.databaseURL, timeout: timeout)
            store = opened.store
            checks.append(
                CheckResult(
                    name: "database", level: .ok, message: "reachable (\(opened.store.displayURL))",
                    latencyMS: opened.latency.milliseconds))
        } catch {
            checks.append(CheckResult(name: "database", level: .critical, message: "unreachable: \(error)"))
        }
        checks.append(await cacheCheck())
        if let apiURL { checks.append(await apiCheck(apiURL)) }
        checks += diskChecks()
        checks.append(logCheck(now: now))
        if let store {
            let (syncResults, status) = await syncChecks(store, now: now)
            checks += syncResults
            sync = status
            checks.append(await factorCheck(store))
            try? await store.close()
        } else {
            let reason = "not checked: the database is unreachable"
            checks.append(CheckResult(name: "sync", level: .critical, message: reason))
            checks.append(CheckResult(name: "quality", level: .critical, message: reason))
            checks.append(CheckResult(name: "factors", level: .critical, message: reason))
        }
        checks.append(backupCheck(now: now))
        return HealthReport(checkedAt: now, checks: checks, sync: sync)
    }

    func cacheCheck() async -> CheckResult {
        guard let url = configuration.redisURL else {
            return CheckResult(name: "cache", level: .ok, message: "in-memory cache (redis.url not set)")
        }
        let probe = CacheProbe(url: url, timeout: timeout)
        do {
            let answer = try await probe.probe()
            var values: [String: Double] = [:]
            var message = "Redis reachable (\(probe.displayURL))"
            if let memory = answer.memory {
                values["used_memory_bytes"] = memory.usedBytes
                values["maxmemory_bytes"] = memory.maxBytes
                message += ", used_memory_human \(memory.usedHuman ?? "?")"
                if let percent = memory.usedPercent {
                    values["used_percent"] = percent
                    message += " (\(percent)% of maxmemory)"
                }
            }
            return CheckResult(
                name: "cache", level: .ok, message: message, latencyMS: answer.latency.milliseconds, values: values)
        } catch {
            // Without Redis the API serves from the store: slower, still correct.
            return CheckResult(
                name: "cache", level: .warning,
                message: "Redis unreachable (\(probe.displayURL)): \(error); the API serves from the store meanwhile")
        }
    }

    func apiCheck(_ url: String) async -> CheckResult {
        do {
            let answer = try await APIProbe(baseURL: url, timeout: timeout).get("/api/health")
            let latency = answer.latency.milliseconds
            let reported = answer.json?["status"] as? String ?? "?"
            if answer.status == 200 {
                let slow = answer.latency.seconds > Self.apiSlowSeconds
                return CheckResult(
                    name: "api", level: slow ? .warning : .ok,
                    message: "\(url)/api/health answered 200 (\(reported))\(slow ? ", slower than 2 s" : "")",
                    latencyMS: latency)
            }
            let failing = (answer.json?["failing"] as? [String])?.joined(separator: ", ") ?? "?"
            return CheckResult(
                name: "api", level: .critical,
                message: "\(url)/api/health answered \(answer.status) (failing: \(failing))", latencyMS: latency)
        } catch {
            return CheckResult(
                name: "api", level: .critical,
                message: "\(url) unreachable: \(error); is `stockschool serve` running? (--no-api skips this check)")
        }
    }

    func diskChecks() -> [CheckResult] {
        let paths = [
            ("data", configuration.dataDirectory),
            ("backup", configuration.ops.backupDirectory),
        ]
        return paths.map { label, path in
            guard let usage = DiskUsage.measure(path) else {
                return CheckResult(name: "disk:\(label)", level: .warning, message: "cannot measure \(path)")
            }
            let percent = usage.usedPercent
            let level: OpsLevel =
                percent > configuration.ops.diskCriticalPercent
                ? .critical : percent > configuration.ops.diskWarningPercent ? .warning : .ok
            let free = String(format: "%.1f GiB", usage.availableBytes / 1_073_741_824)
            return CheckResult(
                name: "disk:\(label)", level: level,
                message: "\(path): \(percent)% used, \(free) free"
                    + (level == .ok
                        ? ""
                        : " (over \(Int(level == .critical ? configuration.ops.diskCriticalPercent : configuration.ops.diskWarningPercent))%)"),
                values: ["used_percent": percent, "available_bytes": usage.availableBytes])
        }
    }

    func logCheck(now: Timestamp) -> CheckResult {
        let directory = configuration.ops.logDirectory
        let found = LogErrors.scan(directory: directory, now: now)
        guard found.count > 0 else {
            return CheckResult(
                name: "logs", level: .ok,
                message: found.files == 0
                    ? "no log written in the last 24 h in \(directory)"
                    : "no errors in the last 24 h (\(found.files) log files in \(directory))",
                values: ["errors": 0])
        }
        return CheckResult(
            name: "logs", level: .warning,
            message: "\(found.count) error lines in the last 24 h in \(directory); latest: \(found.latest ?? "")",
            values: ["errors": Double(found.count)])
    }

    func syncChecks(_ store: any MarketStore, now: Timestamp) async -> ([CheckResult], SyncStatus?) {
        let status: SyncStatus
        do {
            status = try await SyncStatus.load(store: store, now: now)
        } catch {
            let message = "cannot read sync status: \(error)"
            return (
                [
                    CheckResult(name: "sync", level: .critical, message: message),
                    CheckResult(name: "quality", level: .critical, message: message),
                ], nil
            )
        }
        var checks: [CheckResult] = []
        let lagging = status.datasets.filter { ($0.lagHours ?? .infinity) > Self.syncLagWarningHours }
        let worst = status.datasets.compactMap(\.lagHours).max()
        if status.datasets.allSatisfy({ $0.lastComplete == nil }) {
            checks.append(
                CheckResult(name: "sync", level: .warning, message: "nothing synced yet; run `stockschool sync`"))
        } else if lagging.isEmpty {
            checks.append(
                CheckResult(
                    name: "sync", level: .ok,
                    message: "every dataset is current (latest \(status.expectedLatest ?? "?"))",
                    values: ["lag_hours": worst ?? 0]))
        } else {
            let names = lagging.map { d in
                "\(d.dataset) \(d.lagHours.map { String(format: "%.1f h", $0) } ?? "never synced")"
            }
            checks.append(
                CheckResult(
                    name: "sync", level: .warning,
                    message: "behind by more than 2 h: \(names.joined(separator: ", ")); run `stockschool sync`",
                    values: worst.map { ["lag_hours": $0] } ?? [:]))
        }
        if let quality = status.overallQuality {
            let low = quality < Self.qualityWarning
            checks.append(
                CheckResult(
                    name: "quality", level: low ? .warning : .ok,
                    message: "overall data quality \(String(format: "%.3f", quality))"
                        + (low ? " is under 0.8; `stockschool quality` lists the worst reports" : ""),
                    values: ["score": quality]))
        } else {
            checks.append(CheckResult(name: "quality", level: .ok, message: "no quality reports yet"))
        }
        return (checks, status)
    }

    /// Factor and score calculations that failed, against all attempted (the manual's factor
    /// calculation failure rate, alerting over 10%). Counted since the store was created.
    func factorCheck(_ store: any MarketStore) async -> CheckResult {
        guard let generations = try? await store.generations() else {
            return CheckResult(name: "factors", level: .ok, message: "no factor calculations recorded yet")
        }
        let kinds = [DataGeneration.factors, .scores].compactMap { generations[$0] }
        let failures = Double(kinds.map(\.failures).reduce(0, +))
        let attempts = Double(kinds.map(\.generation).reduce(0, +)) + failures
        guard attempts > 0 else {
            return CheckResult(name: "factors", level: .ok, message: "no factor calculations recorded yet")
        }
        let rate = failures / attempts
        let high = rate > Self.factorFailureWarning
        return CheckResult(
            name: "factors", level: high ? .warning : .ok,
            message: "\(Int(failures)) of \(Int(attempts)) factor and score calculations failed"
                + (high ? " (over 10%)" : ""),
            values: ["failure_rate": rate, "attempts": attempts, "failures": failures])
    }

    public func backupCheck(now: Timestamp) -> CheckResult {
        let directory = configuration.ops.backupDirectory
        let maxAge = configuration.ops.backupMaxAgeHours
        guard let found = BackupAge.find(directory: directory, now: now), let newest = found.newest,
            let age = found.ageHours
        else {
            return CheckResult(
                name: "backup", level: .warning,
                message: "no backup in \(directory); run `scripts/deployment/backup.sh backup`")
        }
        let level: OpsLevel = age > 7 * 24 ? .critical : age > maxAge ? .warning : .ok
        return CheckResult(
            name: "backup", level: level,
            message: "newest \(newest), \(String(format: "%.1f", age)) h old (\(found.count) in \(directory))"
                + (level == .ok ? "" : "; older than \(Int(maxAge)) h"),
            values: ["age_hours": age, "count": Double(found.count)])
    }
}
