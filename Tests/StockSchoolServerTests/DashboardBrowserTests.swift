import Foundation
import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// Every dashboard page loaded in headless Chromium against a served store: the script has run,
/// the charts are drawn, and the numbers on the page are the API's. Screenshots go to
/// `test-artifacts/dashboard/` (the README shows copies from the demo store).
@Suite(.serialized) struct DashboardBrowserTests {
    /// Chromium, or nil to skip; in CI its absence is a failure (scripts/test.sh installs it).
    static func chromium() throws -> HeadlessChromium? {
        if let found = HeadlessChromium.find() { return found }
        if TestEnvironment.isCI {
            throw HeadlessChromium.Failure(description: "chromium is not installed; scripts/test.sh installs it")
        }
        return nil
    }

    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("test-artifacts/dashboard")

    /// A backtest with 20,000 CNY across five names: most lots are out of reach, so its orders
    /// include rejections for insufficient cash.
    static func poorBacktest(_ store: any MarketStore) async throws -> Int64 {
        let backtest = BacktestJob(
            signal: .score(name: "default"),
            settings: BacktestSettings(strategy: .topN(5), rebalance: .weekly, initialCash: 20_000),
            start: TradeDate(unchecked: 2024_05_07), end: TestServer.market.end)
        let id = try await store.startBacktestRun(
            name: "poor", start: backtest.start, end: backtest.end, parameters: backtest.parametersJSON)
        try await store.finishBacktestRun(id, result: try await backtest.run(store: store))
        return id
    }

    @Test func everyPageDrawsItsChartsWithTheAPIsNumbers() async throws {
        guard let chromium = try Self.chromium() else { return }
        try await TestServer.with(.sqlite) { server in
            let runID = try await ScoreAndBacktestRoutesTests.scoreAndBacktest(server.store)
            let poorID = try await Self.poorBacktest(server.store)
            // A stock named with markup, ranked first, so the script renders it too.
            try await DashboardTests.insertHostileStock(server.store)
            try await server.store.query(
                SQLStatement(
                    "INSERT INTO scores (score_name, trade_date, ts_code, score, composite, rank, industry, industry_rank) VALUES ('default', 20240628, '600999.SH', 100, 3, 0, ?, 0)",
                    [.text(DashboardTests.hostileIndustry)]))
            let base = server.base

            // Overview: every dataset's last date as the sync status reports it.
            let overview = try await chromium.dom(base + "/?lang=en")
            #expect(overview.contains(#"data-ready="true""#))
            let status = try await server.get("/monitoring/sync/status")
            let datasets = try #require(status.json["datasets"] as? [[String: Any]])
            #expect(!datasets.isEmpty)
            for dataset in datasets {
                let name = try #require(dataset["dataset"] as? String)
                let last = (dataset["last_complete"] as? String).map(Self.dashed) ?? "–"
                #expect(
                    overview.contains(
                        #"<tr data-dataset="\#(name)"><td>\#(name)</td><td data-field="last_complete">\#(last)</td>"#),
                    "\(name)")
            }
            #expect(overview.contains(#"<tr data-check="database"><td>Database</td><td><span class="badge ok""#))
            #expect(overview.contains(#"data-field="rate""#) && overview.contains("No active alerts"))

            // Market: one candle per bar the API serves, the latest close and score, the indicators.
            let ranking = try await server.get("/api/v1/scores?top=3")
            let code = try #require(
                ranking.items.compactMap { $0["ts_code"] as? String }.first { $0 != "600999.SH" })
            let market = try await chromium.dom(base + "/market?ts_code=\(code)&lang=en")
            #expect(market.contains(#"data-ready="true""#))
            let bars = try await server.get("/api/v1/stocks/\(code)/daily?adj=qfq&page_size=1000")
            #expect(Self.count(#"class="candle""#, in: market) == bars.items.count)
            #expect(Self.count(#"class="ma""#, in: market) == 3)
            #expect(
                nearlyEqual(
                    Self.number(after: #"id="latest-close" data-value=""#, in: market),
                    bars.items.last?["close"] as? Double))
            let scores = try await server.get("/api/v1/stocks/\(code)/scores?page_size=1000&start_date=19900101")
            #expect(
                nearlyEqual(
                    Self.number(after: #"id="latest-score" data-value=""#, in: market),
                    scores.items.last?["score"] as? Double))
            let basic = try await server.get("/api/v1/stocks/\(code)/daily_basic?order=desc&page_size=1")
            #expect(
                nearlyEqual(
                    Self.number(after: #"data-field="pe_ttm" data-value=""#, in: market),
                    basic.items.first?["pe_ttm"] as? Double))

            // Factors: the IC chart's three lines, five quantile bars, the summary's RankIC.
            let factors = try await chromium.dom(base + "/factors?name=ROC5&horizon=5&lang=en")
            #expect(factors.contains(#"data-ready="true""#) && !factors.contains(#"data-error="true""#))
            let evaluation = try await server.get("/api/v1/factors/ROC5/evaluation?quantiles=5&horizons=1,5,10,20")
            let horizons = try #require(
                (evaluation.json["factors"] as? [[String: Any]])?.first?["horizons"] as? [[String: Any]])
            let five = try #require(horizons.first { $0["horizon"] as? Int == 5 })
            let icChart = Self.segment(of: #"data-chart="ic""#, in: factors)
            #expect(Self.count(#"class="series""#, in: icChart) == 3)
            #expect(Self.count(#"class="bar""#, in: Self.segment(of: #"data-chart="quantiles""#, in: factors)) == 5)
            #expect(Self.count(#"class="bar""#, in: Self.segment(of: #"data-chart="decay""#, in: factors)) == 4)
            #expect(Self.count(#"class="series""#, in: Self.segment(of: #"data-chart="cumulative""#, in: factors)) == 5)
            let row = Self.segment(of: #"<tr data-horizon="5">"#, in: factors, until: "</tr>")
            let cells = Self.numbers(after: #"data-value=""#, in: row)
            #expect(cells.count >= 2)
            #expect(nearlyEqual(cells.dropFirst().first, (five["rank_ic"] as? [String: Any])?["mean"] as? Double))

            // Rankings: as many rows as asked, the API's scores, the hostile name as text.
            let rankings = try await chromium.dom(base + "/rankings?top=20&lang=en")
            let top = try await server.get("/api/v1/scores?top=20")
            #expect(Self.count("<tr data-ts-code=", in: rankings) == top.items.count)
            let shown = Self.numbers(
                after: #"<td data-value=""#,
                in: Self.segment(of: #"<tr data-ts-code="\#(code)">"#, in: rankings, until: "</tr>"))
            let api = try #require(top.items.first { $0["ts_code"] as? String == code })
            let score = try #require(api["score"] as? Double)
            #expect(shown.contains { nearlyEqual($0, score) })
            #expect(rankings.contains("&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;"))
            #expect(!rankings.contains("data-pwned") && !overview.contains("data-pwned"))
            let main = try await chromium.dom(base + "/rankings?top=1000&board=main&lang=en")
            let boards = Self.count("<td>Main board</td>", in: main)
            #expect(boards == Self.count("<tr data-ts-code=", in: main) && boards > 0)

            // Backtests: NAV against the benchmark, drawdown, the metrics, the orders.
            let detail = try await chromium.dom(base + "/backtests/\(runID)?lang=en")
            let run = try await server.get("/api/v1/backtests/\(runID)")
            let metrics = try #require(run.json["metrics"] as? [String: Any])
            #expect(Self.count(#"class="series""#, in: Self.segment(of: #"data-chart="nav""#, in: detail)) == 2)
            #expect(Self.count(#"class="series""#, in: Self.segment(of: #"data-chart="drawdown""#, in: detail)) == 1)
            for key in ["annualReturn", "annualVolatility", "sharpe"] {
                let shownMetric = Self.number(
                    after: #"<tr data-metric="\#(key)"><th>"#, in: detail, then: #"data-value=""#)
                #expect(nearlyEqual(shownMetric, metrics[key] as? Double), "\(key)")
            }
            let trades = try await server.get("/api/v1/backtests/\(runID)/trades?page_size=500")
            #expect(
                Self.count(#"<tr class="filled""#, in: detail) + Self.count(#"<tr class="rejected""#, in: detail)
                    == trades.items.count)
            let poor = try await chromium.dom(base + "/backtests/\(poorID)?lang=en")
            #expect(poor.contains(#"<td class="reason">cash below one lot</td>"#))
            #expect(poor.contains(#"<tr data-id="\#(runID)">"#) && poor.contains(#"<tr data-id="\#(poorID)">"#))

            // Screenshots of each page, in English and in Chinese.
            for (name, path) in [
                ("overview", "/"), ("market", "/market?ts_code=\(code)"), ("factors", "/factors?name=ROC5"),
                ("rankings", "/rankings"), ("backtests", "/backtests/\(runID)"),
            ] {
                for language in ["en", "zh"] {
                    let file = Self.artifacts.appendingPathComponent("\(name)-\(language).png")
                    try await chromium.screenshot(
                        base + path + (path.contains("?") ? "&" : "?") + "lang=\(language)", to: file)
                }
            }
        }
    }

    /// With the database gone, each part of a page says so in place of its chart or table.
    @Test(arguments: TestBackend.available.filter { $0 == .postgres })
    func aStoppedDatabaseShowsItsErrorNotABlankPage(_ backend: TestBackend) async throws {
        guard let chromium = try Self.chromium() else { return }
        try await TestServer.with(backend) { server in
            try await server.testStore.store.close()
            let base = server.base
            let market = try await chromium.dom(base + "/market?ts_code=000001.SZ&lang=en")
            #expect(market.contains(#"role="alert""#) && market.contains("the database did not answer"))
            let factors = try await chromium.dom(base + "/factors?name=ROC5&lang=en")
            #expect(factors.contains(#"data-ready="true""#))
            #expect(Self.count(#"data-error="true""#, in: factors) >= 6)
            #expect(factors.contains("Unavailable (500)"))
            let overview = try await chromium.dom(base + "/?lang=en")
            #expect(overview.contains(#"<tr data-check="database"><td>Database</td><td><span class="badge failing""#))
            #expect(Self.count(#"data-error="true""#, in: overview) >= 2)
            let rankings = try await chromium.dom(base + "/rankings?lang=en")
            #expect(rankings.contains("the database did not answer") && rankings.contains(#"data-error="true""#))
            try await chromium.screenshot(
                base + "/factors?name=ROC5&lang=en", to: Self.artifacts.appendingPathComponent("database-down.png"))
        }
    }

    // MARK: Reading the DOM

    static func dashed(_ date: String) -> String {
        date.count == 8 ? "\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))" : date
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// From `marker` to the end of its element (`</svg>` for a chart).
    static func segment(of marker: String, in text: String, until end: String = "</svg>") -> String {
        guard let start = text.range(of: marker) else { return "" }
        let rest = text[start.lowerBound...]
        guard let stop = rest.range(of: end) else { return String(rest) }
        return String(rest[..<stop.upperBound])
    }

    /// The number written right after `prefix` (an attribute's opening quote), up to the quote.
    static func number(after prefix: String, in text: String, then second: String? = nil) -> Double? {
        guard var range = text.range(of: prefix) else { return nil }
        if let second {
            guard let next = text[range.upperBound...].range(of: second) else { return nil }
            range = next
        }
        let rest = text[range.upperBound...]
        guard let quote = rest.firstIndex(of: "\"") else { return nil }
        return Double(rest[..<quote])
    }

    static func numbers(after prefix: String, in text: String) -> [Double] {
        text.components(separatedBy: prefix).dropFirst().compactMap { part in
            part.firstIndex(of: "\"").flatMap { Double(part[..<$0]) }
        }
    }
}
