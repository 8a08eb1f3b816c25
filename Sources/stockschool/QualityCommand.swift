import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Data-quality reports, worst first.",
        discussion: """
            Every synced day of `daily`, `adj_factor` and `daily_basic` is scored in [0,
            1] (OHLC consistency, price limits, pre_close continuity, duplicates,
            coverage, calendar gaps; see docs/sync.md), and `trade_cal` is checked for
            missing days. The overall score is the worst report of the last 20 checked
            days; the operations manual alerts below 0.8. Freshness is how long each
            dataset's missing data has been due (alert above 2 hours).

            Examples:
              stockschool quality                 the 20 worst days and the overall scores
              stockschool quality --date 20240102
              stockschool quality --below 0.8 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only this trade date, YYYYMMDD.", valueName: "yyyymmdd"))
    var date: TradeDate?

    @Option(help: ArgumentHelp("Only reports scoring below this (0–1).", valueName: "score"))
    var below: Double?

    @Option(help: "How many reports to list.")
    var limit = 20

    func validate() throws {
        if let below, !(0...1).contains(below) {
            throw ValidationError("--below must be between 0 and 1, got \(below)")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        var filter = RecordFilter()
        if let date { filter = .crossSection(date) }
        let (reports, status) = try await withStore(configuration) { store in
            _ = try await requireSchema(store)
            return (try await store.read(QualityReport.self, filter), try await SyncStatus.load(store: store))
        }
        let selected = reports.filter { below == nil || $0.score < below ?? 1 }
            .sorted { ($0.score, $0.tradeDate) < ($1.score, $1.tradeDate) }
        let mean = reports.isEmpty ? nil : reports.map(\.score).reduce(0, +) / Double(reports.count)
        if global.json {
            try Output.json(
                QualityResult(
                    overall: status.overallQuality, reports: reports.count, mean: mean,
                    worst: reports.map(\.score).min(), below08: reports.filter { $0.score < 0.8 }.count,
                    freshness: status.datasets,
                    listed: selected.prefix(limit).map {
                        .init(
                            dataset: $0.dataset, tradeDate: $0.tradeDate.description, score: $0.score, rows: $0.rows,
                            expected: $0.expected, findings: $0.findings)
                    }))
            return
        }
        guard let mean else {
            print("No quality reports yet: they are written by `stockschool sync` for every synced day.")
            return
        }
        if let overall = status.overallQuality {
            print(
                "Overall quality \(String(format: "%.3f", overall)): the worst report of the last \(SyncStatus.overallWindow) checked days (the manual alerts below 0.8)."
            )
        }
        print(Self.freshness(status))
        print(
            "\(reports.count) reports; mean score \(String(format: "%.3f", mean)), worst \(String(format: "%.3f", reports.map(\.score).min() ?? mean)), \(reports.filter { $0.score < 0.8 }.count) below 0.8.\n"
        )
        Output.table(
            ["dataset", "trade_date", "score", "rows", "expected", "findings"],
            selected.prefix(limit).map {
                [
                    $0.dataset, $0.tradeDate.description, String(format: "%.3f", $0.score), String($0.rows),
                    $0.expected.map(String.init) ?? "", Self.summary($0.findings),
                ]
            })
    }

    /// `Freshness: daily, adj_factor up to date; daily_basic 17.0 h overdue (alert: > 2 h).`
    static func freshness(_ status: SyncStatus) -> String {
        guard status.expectedLatest != nil else { return "Freshness: unknown (no trade_cal yet)." }
        let current = status.datasets.filter { ($0.lagHours ?? 0) == 0 }.map(\.dataset)
        let late = status.datasets.filter { ($0.lagHours ?? 0) > 0 }.map {
            "\($0.dataset) \(String(format: "%.1f", $0.lagHours ?? 0)) h overdue\(($0.lagHours ?? 0) > 2 ? " (alert: > 2 h)" : "")"
        }
        var parts: [String] = []
        if !current.isEmpty { parts.append(current.joined(separator: ", ") + " up to date") }
        parts += late
        var line = "Freshness: " + parts.joined(separator: "; ") + "."
        if let through = status.calendarThrough, through < TradeDate.todayInBeijing.description {
            line += " (trade_cal ends \(through): later days are not counted until it is synced.)"
        }
        return line
    }

    /// `ohlc 3, coverage 120` from the findings JSON.
    static func summary(_ json: String) -> String {
        struct Finding: Decodable {
            let check: String
            let count: Int
        }
        guard let findings = try? JSONDecoder().decode([Finding].self, from: Data(json.utf8)) else { return json }
        return findings.isEmpty ? "—" : findings.map { "\($0.check) \($0.count)" }.joined(separator: ", ")
    }
}

struct QualityResult: Encodable {
    struct Report: Encodable {
        let dataset: String
        let tradeDate: String
        let score: Double
        let rows: Int64
        let expected: Int64?
        let findings: String
    }

    let overall: Double?
    let reports: Int
    let mean: Double?
    let worst: Double?
    let below08: Int
    let freshness: [SyncStatus.DatasetStatus]
    let listed: [Report]
}
