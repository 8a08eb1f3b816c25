import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch market data into the store: only what is missing, one committed unit at a time.",
        discussion: """
            A unit is one dataset on one trade date; its rows and its checkpoint commit together,
            so an interrupted sync resumes where it stopped. The store is migrated first.

            Sources:
              sample   the simulated A-share market (no token needed); --stocks, --start, --end
                       and --seed define it, and the same values always give the same data.

            Examples:
              stockschool sync --source sample
              stockschool sync --source sample --stocks 1000 --start 20230103 --end 20231229 --seed 7
              stockschool sync --source sample --datasets daily,adj_factor --full
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sample: SampleOptions

    @Option(help: ArgumentHelp("Where the data comes from: sample.", valueName: "name"))
    var source: String = "sample"

    @Option(
        help: ArgumentHelp(
            "Comma-separated datasets (default: all): stock_basic, trade_cal, daily, adj_factor, daily_basic, index_daily.",
            valueName: "list"))
    var datasets: String?

    @Flag(help: "Refetch units that are already committed.")
    var full = false

    func validate() throws {
        guard source == "sample" else {
            throw ValidationError("unknown --source '\(source)'; available: sample")
        }
        if let datasets {
            do { _ = try Dataset.parseList(datasets) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let market = try sample.market(configuration)
        let selected = try datasets.map { try Dataset.parseList($0) } ?? Dataset.allCases
        let report = try await withStore(configuration) { store in
            try await SampleSync.run(
                market: market, datasets: selected, full: full, store: store, json: global.json)
        }
        if global.json {
            try Output.json(SyncSummary(report))
        } else {
            SampleSync.printSummary(report)
        }
    }
}

/// The sample-sync steps shared by `sync` and `demo`: migrate, generate, sync with a progress bar.
enum SampleSync {
    static func run(
        market: SampleMarketConfiguration, datasets: [Dataset], full: Bool, store: any MarketStore, json: Bool
    ) async throws -> SyncReport {
        try await store.migrate()
        let generationStart = Date()
        let source = try SampleSource(market)
        if !json {
            let seconds = String(format: "%.1f", Date().timeIntervalSince(generationStart))
            Output.error(
                "Simulated market: \(market.stocks) stocks, \(source.market.calendar.count) trading days \(market.start)–\(market.end), seed \(market.seed) (generated in \(seconds) s)"
            )
        }
        let engine = SyncEngine(source: source, store: store)
        let bar = ProgressBar(label: "sync")
        let report = try await engine.run(
            SyncRequest(datasets: datasets, start: market.start, end: market.end, full: full)
        ) {
            step in
            bar.update(
                completed: step.completedUnits, total: step.totalUnits,
                detail: "\(step.dataset.rawValue) \(step.tradeDate.map(\.description) ?? "")")
        }
        bar.finish()
        return report
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

    init(_ report: SyncReport) {
        runID = report.runID
        status = report.status.rawValue
        units = report.units
        rows = report.rows
        calls = report.calls
        rowsByDataset = report.rowsByDataset
        worstQuality = report.worstQuality
    }
}
