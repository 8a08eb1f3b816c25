import ArgumentParser
import StockSchoolCore
import StockSchoolOps

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "The daily health check: database, cache, API, disks, logs, sync, data quality, backups.",
        discussion: """
            Checks, each judged on its own so one failure does not hide the rest:
              database   the store answers SELECT 1 (critical when not), with its latency
              cache      Redis answers PING when redis.url is set (warning when not: the
                         API serves from the store meanwhile), with used_memory_human
              api        GET <url>/api/health answers 200 (critical when not; --no-api
                         skips it)
              disk:data, disk:backup
                         use of the filesystems holding data_dir and backup.dir:
                         warning over health.disk_warning_percent (80), critical over
                         health.disk_critical_percent (85)
              logs       lines matching error|exception|critical in log.dir/*.log in the
                         last 24 h
              sync       every dataset synced to the expected latest trade date (warning
                         when more than 2 h late)
              quality    overall data quality score (warning under 0.8)
              backup     age of the newest backup in backup.dir (warning over 26 h,
                         critical over 7 days)

            Exit code: 0 ok, 1 warning, 2 critical (scripts/monitoring/health_check.sh
            passes it on).

            Examples:
              stockschool health
              stockschool health --url https://localhost --json | jq '.checks[] | select(.level != "ok")'
              stockschool health --no-api       # on a host that runs no API server
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: APIProbeOptions

    @Option(help: ArgumentHelp("Seconds each probe may take.", valueName: "seconds"))
    var timeout = 5.0

    func validate() throws {
        guard timeout > 0, timeout <= 300 else {
            throw ValidationError("--timeout must be in (0, 300], got \(timeout)")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        var checker = HealthChecker(
            configuration: configuration, apiURL: probe.apiURL(configuration))
        checker.timeout = .milliseconds(Int64(timeout * 1000))
        let report = await checker.run()
        if global.json {
            try Output.json(report)
        } else {
            CheckTable.print(report.checks, verdict: report.level, title: "health")
        }
        if report.level.exitCode != 0 { throw ExitCode(report.level.exitCode) }
    }
}
