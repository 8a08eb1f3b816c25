import ArgumentParser
import StockSchoolCore
import StockSchoolOps

struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "The performance check: CPU, memory, load, disk I/O, connections, API latency, database, Redis.",
        discussion: """
            Measures over --interval seconds, then judges against the manual's thresholds:
              cpu          busy share from /proc/stat (warning over 80%)
              memory       (MemTotal − MemAvailable) / MemTotal (warning over 85%)
              load         1/5/15-minute load averages and the core count
              disk_io      read and write throughput and busy share per disk
                           (/proc/diskstats)
              connections  TCP sockets by state (/proc/net/tcp, tcp6)
              api          p50/p95/p99 latency and 5xx rate from the API's live /metrics,
                           over the interval when it served requests, else since it
                           started (p95 over 2 s: warning; errors over 5%: critical);
                           --no-api skips it
              database     PostgreSQL: connections in pg_stat_activity (warning over 80),
                           size, the slowest statements when pg_stat_statements is
                           installed; SQLite: file, WAL and free-page sizes
              cache        Redis used_memory against maxmemory (warning over 80%)

            Exit code: 0 ok, 1 warning, 2 critical.

            Examples:
              stockschool perf
              stockschool perf --interval 5 --json | jq '.database.slow_statements'
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: APIProbeOptions

    @Option(help: ArgumentHelp("Seconds to measure rates over.", valueName: "seconds"))
    var interval = 1.0

    func validate() throws {
        guard interval >= 0.1, interval <= 600 else {
            throw ValidationError("--interval must be between 0.1 and 600 seconds, got \(interval)")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        var checker = PerfChecker(
            configuration: configuration, apiURL: probe.apiURL(configuration))
        checker.interval = .milliseconds(Int64(interval * 1000))
        let report = await checker.run()
        if global.json {
            try Output.json(report)
        } else {
            CheckTable.print(report.checks, verdict: report.level, title: "performance")
            if let slow = report.database?.slowStatements, !slow.isEmpty {
                Swift.print("\nslowest statements (pg_stat_statements, mean):")
                Output.table(
                    ["MEAN", "CALLS", "QUERY"],
                    slow.map { [String(format: "%.1f ms", $0.meanMS), String($0.calls), $0.query] })
            } else if let note = report.database?.note {
                Swift.print("\n\(note)")
            }
        }
        if report.level.exitCode != 0 { throw ExitCode(report.level.exitCode) }
    }
}
