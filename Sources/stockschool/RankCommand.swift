import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore

struct RankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "One day's ranking of stocks by a stored score, overall or within an industry.",
        discussion: """
            Reads the scores `stockschool score` (or `run-daily`) wrote. Rank 1 is the
            best score; scores run 0–100 with 50 the day's average stock
            (docs/research.md).

            Examples:
              stockschool rank                                  the latest date, top 50
              stockschool rank --date 20241231 --top 20
              stockschool rank --date 20241231 --industry 银行
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Trade date (default: the latest scored date).", valueName: "yyyymmdd"))
    var date: TradeDate?

    @Option(help: ArgumentHelp("How many to show.", valueName: "n"))
    var top = 50

    @Option(help: ArgumentHelp("Only this industry (stock_basic.industry), ranked within it.", valueName: "name"))
    var industry: String?

    @Option(help: ArgumentHelp("The score model's name.", valueName: "name"))
    var name = ScoreOptions.defaultName

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let (day, rows, weights, names) = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            var day = date
            if day == nil { day = try await store.latestScoreDate(name: name) }
            guard let day else {
                throw CommandFailure(
                    description:
                        "no scores named '\(name)' yet; run `stockschool score` or `stockschool run-daily` first")
            }
            let rows = try await store.ranking(name: name, date: day, industry: industry, limit: top)
            guard !rows.isEmpty else {
                let what = industry.map { " in industry '\($0)'" } ?? ""
                throw CommandFailure(
                    description:
                        "no scores named '\(name)' on \(day)\(what); `stockschool score --start \(day) --end \(day)` computes them"
                )
            }
            let names = Dictionary(
                try await store.read(StockBasic.self).map { ($0.tsCode, $0.name) }, uniquingKeysWith: { a, _ in a })
            return (day, rows, try await store.scoreWeights(name: name, date: day), names)
        }
        if global.json {
            struct Ranked: Encodable {
                let rank: Int64
                let ts_code: String
                let name: String?
                let industry: String?
                let industry_rank: Int64?
                let score: Double
                let composite: Double
            }
            struct Ranking: Encodable {
                let score_name: String
                let trade_date: String
                let weights: [String: Double]
                let items: [Ranked]
            }
            try Output.json(
                Ranking(
                    score_name: name, trade_date: day.description,
                    weights: Dictionary(weights.map { ($0.factor, $0.weight) }, uniquingKeysWith: { a, _ in a }),
                    items: rows.map {
                        Ranked(
                            rank: industry == nil ? $0.rank : $0.industryRank ?? $0.rank,
                            ts_code: $0.tsCode.description,
                            name: names[$0.tsCode], industry: $0.industry, industry_rank: $0.industryRank,
                            score: $0.score, composite: $0.composite)
                    }))
            return
        }
        print("Score '\(name)' on \(day)\(industry.map { ", industry \($0)" } ?? "")")
        Output.table(
            ["rank", "ts_code", "name", "industry", "ind. rank", "score", "z"],
            rows.map {
                [
                    String(industry == nil ? $0.rank : $0.industryRank ?? $0.rank), $0.tsCode.description,
                    names[$0.tsCode] ?? "", $0.industry ?? "", $0.industryRank.map(String.init) ?? "",
                    String(format: "%.1f", $0.score), String(format: "%.2f", $0.composite),
                ]
            })
        if let method = weights.first?.method {
            print(
                "\nWeights (\(method)): "
                    + weights.map { "\($0.factor) \(String(format: "%+.3f", $0.weight))" }.joined(separator: ", "))
        }
    }
}
