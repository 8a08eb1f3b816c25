import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch market data into the store: only what is missing, one committed unit at a time.",
        discussion: """
            A unit is one dataset on one trade date; its rows and its checkpoint commit
            together, so an interrupted sync resumes where it stopped. The store is
            migrated first.

            Sources:
              sample   the simulated A-share market (no token needed); --stocks, --start,
                       --end and --seed define it, and the same values always give the
                       same data.
              csv      Tushare-format CSV files (--path FILE_OR_DIR): daily.csv,
                       adj_factor.csv, daily_basic.csv, stock_basic.csv, trade_cal.csv,
                       index_daily.csv, index_weight.csv, with Tushare's field names in
                       the header. Everything in the files is imported; one bad cell stops
                       the import, naming file, line and column.
              tushare  Tushare Pro; needs TUSHARE_TOKEN (or tushare.token in
                       stockschool.yaml). --start defaults to 20200102, --end to today
                       (Beijing time). Respects Tushare's per-minute limits; a dataset
                       your points tier cannot read is skipped and reported; a bad token
                       stops at once.

            Examples:
              stockschool sync --source sample
              stockschool sync --source sample --stocks 1000 --start 20230103 --end 20231229 --seed 7
              stockschool sync --source sample --datasets daily,adj_factor --full
              TUSHARE_TOKEN=… stockschool sync --source tushare --start 20240102
              stockschool sync --source csv --path ./exports/
            """,
        subcommands: [SyncStatusCommand.self])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sample: SampleOptions

    @Option(help: ArgumentHelp("Where the data comes from: sample, tushare or csv.", valueName: "name"))
    var source: String = "sample"

    @Option(help: ArgumentHelp("CSV file or directory for --source csv.", valueName: "path"))
    var path: String?

    @Option(
        help: ArgumentHelp(
            "Comma-separated datasets (default: all): stock_basic, trade_cal, daily, adj_factor, daily_basic, index_daily, index_weight.",
            valueName: "list"))
    var datasets: String?

    @Flag(help: "Refetch units that are already committed.")
    var full = false

    @Flag(help: "Print the units that would be fetched (holes included) and fetch nothing.")
    var plan = false

    @Option(
        help: ArgumentHelp(
            "Units fetched at once (default 8 for tushare, 1 for sample and csv); the rate limiter still paces calls.",
            valueName: "n"))
    var concurrency: Int?

    func validate() throws {
        guard ["sample", "tushare", "csv"].contains(source) else {
            throw ValidationError("unknown --source '\(source)'; available: sample, tushare, csv")
        }
        if source != "sample", sample.stocks != nil || sample.seed != nil {
            throw ValidationError(
                "--stocks and --seed describe the simulated market; they do not apply to --source \(source)")
        }
        if (source == "csv") != (path != nil) {
            throw ValidationError(
                source == "csv" ? "--source csv needs --path FILE_OR_DIR" : "--path goes with --source csv")
        }
        if let datasets {
            do { _ = try Dataset.parseList(datasets) } catch { throw ValidationError(error.description) }
        }
        if let concurrency, concurrency < 1 || concurrency > 32 {
            throw ValidationError("--concurrency must be between 1 and 32, got \(concurrency)")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let selected = try datasets.map { try Dataset.parseList($0) }
        let target = try target(configuration, selected)
        if plan {
            return try await printPlan(configuration, target)
        }
        // Made before the store is opened: a missing token must not leave a new store file behind.
        let source = try target.makeSource()
        let report = try await withStore(configuration) { store in
            try await syncWithProgress(source: source, store: store, request: target.request)
        }
        if global.json {
            try Output.json(SyncSummary(report))
        } else {
            SampleSync.printSummary(report)
        }
    }
}

extension SyncCommand {
    /// What this invocation syncs. The source is made only when it is needed, so `--plan` needs
    /// no token and generates no market.
    struct Target {
        let name: String
        let request: SyncRequest
        let makeSource: () throws -> any DataSource
    }

    func target(_ configuration: StockSchoolConfiguration, _ selected: [Dataset]?) throws -> Target {
        switch source {
        case "tushare":
            let start = sample.start ?? SyncSourceSpec.tushareStart
            let end = sample.end ?? TradeDate.todayInBeijing
            guard start <= end else { throw StockSchoolError.invalidDateRange(start: start, end: end) }
            let request = SyncRequest(
                datasets: selected ?? Dataset.allCases, start: start, end: end, full: full,
                concurrency: concurrency ?? 8)
            return Target(name: "tushare", request: request) { try SyncSourceSpec.tushare(configuration) }
        case "csv":
            let csv = try CSVSource(path: path ?? "")
            guard let first = csv.firstDate, let last = csv.lastDate else {
                throw CommandFailure(description: "\(path ?? ""): no dated rows to import")
            }
            // Everything in the files is imported on every run: upserts make that idempotent.
            let request = SyncRequest(
                datasets: selected ?? csv.datasets, start: sample.start ?? first, end: sample.end ?? last, full: true,
                indexCodes: csv.indexCodes, concurrency: concurrency ?? 1)
            return Target(name: csv.name, request: request) { csv }
        default:
            let market = try sample.market(configuration)
            let request = SyncRequest(
                datasets: selected ?? Dataset.allCases, start: market.start, end: market.end, full: full,
                concurrency: concurrency ?? 1)
            return Target(name: SampleSource.name(for: market), request: request) {
                try SampleSync.source(market, announce: !global.json)
            }
        }
    }

    func printPlan(_ configuration: StockSchoolConfiguration, _ target: Target) async throws {
        let (name, request) = (target.name, target.request)
        let (start, end, selected) = (request.start, request.end, request.datasets)
        let plan = try await withStore(configuration) { store in
            try await store.migrate()
            let planner = SyncPlanner(store: store, source: name)
            return try await planner.plan(request, calendar: try await planner.calendar())
        }
        let byDataset = Dictionary(grouping: plan.units, by: \.dataset)
        if global.json {
            try Output.json(
                PlanResult(
                    source: name, start: start.description, end: end.description, calendarKnown: !plan.openDays.isEmpty,
                    units: Dictionary(
                        uniqueKeysWithValues: byDataset.map { ($0.key.rawValue, $0.value.map(\.tradeDate.description)) }
                    ),
                    indexDays: plan.indexDays.map(\.description),
                    indexWeightMonths: plan.indexWeightWindows.map { "\($0.start)-\($0.end)" }))
            return
        }
        print("Plan for \(name), \(start)–\(end):")
        if plan.openDays.isEmpty {
            print(
                "  trade_cal is not stored for this range yet: the sync fetches it first, then every day of the range.")
            return
        }
        for dataset in Dataset.perTradeDate where selected.contains(dataset) {
            let dates = (byDataset[dataset] ?? []).map(\.tradeDate)
            print(
                "  \(dataset.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(dates.count) missing\(Self.spans(dates))"
            )
        }
        if selected.contains(.indexDaily) {
            print(
                "  \("index_daily".padding(toLength: 12, withPad: " ", startingAt: 0)) \(plan.indexDays.count) missing\(Self.spans(plan.indexDays))"
            )
        }
        if selected.contains(.indexWeight) {
            let months = plan.indexWeightWindows.map { "\($0.start)–\($0.end)" }
            let shown = months.prefix(4).joined(separator: ", ") + (months.count > 4 ? ", …" : "")
            print(
                "  \("index_weight".padding(toLength: 12, withPad: " ", startingAt: 0)) \(months.count) months to fetch\(months.isEmpty ? "" : ": " + shown)"
            )
        }
        let units = plan.units.count + (plan.indexDays.isEmpty ? 0 : 1) + plan.indexWeightWindows.count
        print(plan.isEmpty ? "Nothing to fetch." : "\(units) units to fetch.")
    }

    /// `: 20240102–20240105, 20240110` — runs of consecutive open days; at most 8 shown.
    static func spans(_ dates: [TradeDate]) -> String {
        guard !dates.isEmpty else { return "" }
        var runs: [(TradeDate, TradeDate)] = []
        for date in dates {
            if let last = runs.last, date.daysSinceEpoch - last.1.daysSinceEpoch <= 4 {
                runs[runs.count - 1].1 = date
            } else {
                runs.append((date, date))
            }
        }
        let shown = runs.prefix(8).map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)–\($0.1)" }
        return ": " + shown.joined(separator: ", ") + (runs.count > 8 ? ", …" : "")
    }
}

struct PlanResult: Encodable {
    let source: String
    let start: String
    let end: String
    let calendarKnown: Bool
    let units: [String: [String]]
    let indexDays: [String]
    /// `index_weight` calls, one per calendar month: `start-end`.
    let indexWeightMonths: [String]
}

struct SyncStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per dataset: last complete date, lag in trading days and hours; last run; quality.",
        discussion: """
            A day's data is due at 17:00 Beijing time; lag counts the open days since the
            last complete one whose data is already due. The manual alerts on a lag over 2
            hours and a quality score under 0.8.

            Examples:
              stockschool sync status
              stockschool sync status --json | jq '.datasets[] | select(.lagHours > 2)'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let status = try await withStore(configuration) { store in
            _ = try await requireSchema(store)
            return try await SyncStatus.load(store: store)
        }
        if global.json {
            try Output.json(status)
            return
        }
        print("Expected latest trade date: \(status.expectedLatest ?? "unknown (no trade_cal)")")
        if let through = status.calendarThrough, through < TradeDate.todayInBeijing.description {
            print(
                "Note: trade_cal ends \(through), before today; later days are not counted. Sync trade_cal to see them."
            )
        }
        print()
        Output.table(
            ["dataset", "last complete", "lag (days)", "lag (hours)", "quality"],
            status.datasets.map {
                [
                    $0.dataset, $0.lastComplete ?? "never", $0.lagTradingDays.map(String.init) ?? "",
                    $0.lagHours.map { String(format: "%.1f", $0) } ?? "",
                    $0.quality.map { String(format: "%.3f", $0) } ?? "",
                ]
            })
        if let run = status.lastRun {
            print(
                "\nLast run \(run.id) (\(run.source)): \(run.status), started \(run.startedAt ?? "?"), finished \(run.finishedAt ?? "—")"
            )
            if let message = run.message { print("  \(message)") }
        }
        if let overall = status.overallQuality {
            print(
                "Quality: \(String(format: "%.3f", overall)) (worst report of the last \(SyncStatus.overallWindow) checked days; see `stockschool quality`)"
            )
        }
    }
}

/// Migrates the store and runs the sync with a progress bar (shared by `sync`, `run-daily` and
/// `demo`; the worker runs the same `DailyWorkflow.sync` without the bar).
func syncWithProgress(source: any DataSource, store: any MarketStore, request: SyncRequest) async throws -> SyncReport {
    let bar = ProgressBar(label: "sync")
    let report = try await DailyWorkflow.sync(store: store, source: source, request: request) { step in
        bar.update(
            completed: step.completedUnits, total: step.totalUnits,
            detail: "\(step.dataset.rawValue) \(step.tradeDate.map(\.description) ?? "")")
    }
    bar.finish()
    return report
}

/// The simulated market's part of `sync` and `demo`: generate it, say so, print the summary.
enum SampleSync {
    static func source(_ market: SampleMarketConfiguration, announce: Bool) throws -> SampleSource {
        let generationStart = Date()
        let source = try SampleSource(market)
        if announce {
            let seconds = String(format: "%.1f", Date().timeIntervalSince(generationStart))
            Output.error(
                "Simulated market: \(market.stocks) stocks, \(source.market.calendar.count) trading days \(market.start)–\(market.end), seed \(market.seed) (generated in \(seconds) s)"
            )
        }
        return source
    }

    static func printSummary(_ report: SyncReport) {
        print(
            "Sync run \(report.runID) \(report.status.rawValue): \(report.units) units, \(Output.grouped(report.rows)) rows, \(report.calls) calls."
        )
        for (dataset, rows) in report.rowsByDataset.sorted(by: { $0.key < $1.key }) {
            print("  \(dataset.padding(toLength: 12, withPad: " ", startingAt: 0)) \(Output.grouped(rows)) rows")
        }
        if let worst = report.worstQuality {
            print("Quality: \(report.qualityReports) daily reports, worst score \(String(format: "%.3f", worst)).")
        }
        if !report.skipped.isEmpty {
            print("Skipped (no permission): \(report.skipped.joined(separator: ", ")).")
        }
        for failure in report.failures.prefix(10) { print("Failed unit: \(failure)") }
        if report.failures.count > 10 {
            print("… and \(report.failures.count - 10) more failed units; run again to retry them.")
        }
        if report.units == 0 { print("Nothing was missing; use --full to refetch.") }
    }
}

struct SyncSummary: Encodable {
    let runID: Int64
    let status: String
    let units: Int
    let rows: Int
    let calls: Int
    let rowsByDataset: [String: Int]
    let worstQuality: Double?
    let skipped: [String]
    let failures: [String]

    init(_ report: SyncReport) {
        runID = report.runID
        status = report.status.rawValue
        units = report.units
        rows = report.rows
        calls = report.calls
        rowsByDataset = report.rowsByDataset
        worstQuality = report.worstQuality
        skipped = report.skipped
        failures = report.failures
    }
}
