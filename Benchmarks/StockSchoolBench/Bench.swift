import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport

/// `swift run -c release StockSchoolBench …`: the performance targets of the issues, measured
/// as medians of several runs. Results go to BENCHMARKS.md by hand, with the machine.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "StockSchoolBench",
        abstract: "Measure StockSchool's performance targets (median of several runs).",
        subcommands: [GenerateBench.self, LoadBench.self, PanelBench.self, SyncBench.self, LimiterBench.self])
}

/// Times `body` `runs` times after `prepare`, which is not timed.
func measure(runs: Int, prepare: () async throws -> Void = {}, _ body: () async throws -> Void) async throws -> [Double]
{
    var seconds: [Double] = []
    for _ in 0..<runs {
        try await prepare()
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return seconds
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// One result line: name, median seconds, and (when rows are given) rows per second at the median.
func report(_ name: String, _ seconds: [Double], rows: Int? = nil) {
    let m = median(seconds)
    var line = "\(name.padding(toLength: 56, withPad: " ", startingAt: 0)) median \(String(format: "%.3f", m)) s"
    line +=
        "  (min \(String(format: "%.3f", seconds.min() ?? .nan)), max \(String(format: "%.3f", seconds.max() ?? .nan)), n=\(seconds.count))"
    if let rows {
        line += "  \(String(format: "%.0f", Double(rows) / m)) rows/s"
    }
    print(line)
}

struct MarketOptions: ParsableArguments {
    @Option(help: "Simulated stocks.") var stocks = 5000
    @Option(help: "First date of the simulated market.") var start = "20150105"
    @Option(help: "Last date of the simulated market (default: about 250 trading days).") var end = "20151231"
    @Option(help: "Timed runs; the median is reported.") var runs = 5

    func market() throws -> SampleMarket {
        try SampleMarket(
            SampleMarketConfiguration(stocks: stocks, start: try TradeDate(start), end: try TradeDate(end), seed: 42))
    }

    func bars(_ market: SampleMarket) -> [DailyBar] {
        market.calendar.openDays.flatMap { market.daily(on: $0) }
    }
}

struct GenerateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Time the simulated market's generation (target: 5,000 × 2,500 under 10 s).")

    @Option var stocks = 5000
    @Option var start = "20150105"
    @Option var end = "20250411"
    @Option var runs = 3

    func run() async throws {
        let configuration = SampleMarketConfiguration(
            stocks: stocks, start: try TradeDate(start), end: try TradeDate(end), seed: 42)
        var days = 0
        var rows = 0
        let seconds = try await measure(runs: runs) {
            let market = try SampleMarket(configuration)
            days = market.calendar.count
            rows = market.rowCounts.daily
        }
        report("generate \(stocks) stocks × \(days) days", seconds, rows: rows)
    }
}

struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Bulk-load stock_daily into a fresh store (targets: SQLite ≥ 1M rows/s, PostgreSQL ≥ 500k rows/s).")

    @OptionGroup var market: MarketOptions
    @Option(help: "sqlite, postgres, or both.") var backend = "both"
    @Option(help: "Administrative PostgreSQL URL (default: $STOCKSCHOOL_TEST_POSTGRES_URL).") var postgresURL: String?

    func run() async throws {
        let generated = try market.market()
        let bars = market.bars(generated)
        print("rows: \(bars.count) (\(market.stocks) stocks × \(generated.calendar.count) days)")
        if backend == "sqlite" || backend == "both" {
            try await sqlite(bars)
        }
        if backend == "postgres" || backend == "both" {
            guard let admin = postgresURL ?? ProcessInfo.processInfo.environment["STOCKSCHOOL_TEST_POSTGRES_URL"] else {
                throw ValidationError("no PostgreSQL: pass --postgres-url or run through scripts/bench.sh")
            }
            try await postgres(bars, admin: admin)
        }
    }

    func sqlite(_ bars: [DailyBar]) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ss-bench-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var store: (any MarketStore)?
        var run = 0
        func openFresh() async throws {
            try await store?.close()
            run += 1
            store = try await openStore(url: "sqlite://\(directory)/load\(run).sqlite")
            try await store?.migrate()
        }
        let fresh = try await measure(runs: market.runs, prepare: openFresh) { try await store?.upsert(bars) }
        report("sqlite upsert into empty stock_daily", fresh, rows: bars.count)
        // The load is done at its commit; the log's copy into the database file follows on the
        // store's checkpoint connection, and closing copies what is left (`WALCheckpointer.finish`),
        // so this line is the whole cost to the disk.
        let toFile = try await measure(runs: market.runs, prepare: openFresh) {
            try await store?.upsert(bars)
            try await store?.close()
            store = nil
        }
        report("sqlite the same, then close (log copied into the file)", toFile, rows: bars.count)
        try await openFresh()
        try await store?.upsert(bars)
        let again = try await measure(runs: market.runs) { try await store?.upsert(bars) }
        report("sqlite upsert again (every row conflicts)", again, rows: bars.count)
        if let store { try await engineFloor(store, rows: bars.count, label: "sqlite") }
        try await store?.close()
    }

    func postgres(_ bars: [DailyBar], admin: String) async throws {
        let adminStore = try await openStore(url: admin)
        var databases: [String] = []
        var store: (any MarketStore)?
        let fresh = try await measure(
            runs: market.runs,
            prepare: {
                try await store?.close()
                let name = "ss_bench_\(databases.count)_\(UInt32.random(in: 0...UInt32.max))"
                try await adminStore.query(SQLStatement("CREATE DATABASE \(name)"))
                databases.append(name)
                var components = URLComponents(string: admin)
                components?.path = "/" + name
                store = try await openStore(url: components?.string ?? admin)
                try await store?.migrate()
            },
            { try await store?.upsert(bars) })
        report("postgres upsert into empty stock_daily", fresh, rows: bars.count)
        let again = try await measure(runs: market.runs) { try await store?.upsert(bars) }
        report("postgres upsert again (every row conflicts)", again, rows: bars.count)
        if let store { try await engineFloor(store, rows: bars.count, label: "postgres") }
        try await store?.close()
        for name in databases {
            try await adminStore.query(SQLStatement("DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
        try await adminStore.close()
    }
}

/// The baseline: the database engine copying the same rows between two tables of the same
/// shape and keys with `INSERT … SELECT` — no client, no binds, no parsing. What our bulk path
/// adds on top of the engine's own insert cost is the ratio to this.
func engineFloor(_ store: any MarketStore, rows: Int, label: String) async throws {
    let source = Schema.stockDaily
    let floor = TableSchema(
        name: "bench_floor", columns: source.columns, primaryKey: source.primaryKey, indexes: source.indexes,
        postgresIndexes: source.postgresIndexes)
    let seconds = try await measure(
        runs: 3,
        prepare: {
            try await store.query(SQLStatement("DROP TABLE IF EXISTS bench_floor"))
            for statement in floor.createStatements(store.dialect) { try await store.query(SQLStatement(statement)) }
        },
        {
            try await store.execute(atomically: [
                SQLStatement(
                    "INSERT INTO bench_floor SELECT \(source.columnNames.joined(separator: ", ")) FROM stock_daily")
            ])
        })
    report("\(label) baseline: engine INSERT … SELECT, same keys", seconds, rows: rows)
    try await store.query(SQLStatement("DROP TABLE IF EXISTS bench_floor"))
}

struct PanelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel",
        abstract: "Read (close, open, high, low, vol, amount) for all stocks × dates (target: SQLite ≥ 2M rows/s).")

    @OptionGroup var market: MarketOptions

    func run() async throws {
        let generated = try market.market()
        let bars = market.bars(generated)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ss-bench-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loading = try await openStore(url: "sqlite://\(directory)/panel.sqlite")
        try await loading.migrate()
        try await loading.upsert(bars)
        // Reopened, so the reads find the data at rest, not beside the load's checkpoint.
        try await loading.close()
        let store = try await openStore(url: "sqlite://\(directory)/panel.sqlite")
        let request = PanelRequest(
            fields: ["close", "open", "high", "low", "vol", "amount"], start: generated.configuration.start,
            end: generated.configuration.end)
        var rows = 0
        let seconds = try await measure(runs: market.runs) {
            rows = try await store.panel(request).rowCount
        }
        report("sqlite panel read, 6 fields", seconds, rows: rows)
        // Baseline: the engine reading the same values with no client work (one aggregate row).
        let floor = try await measure(runs: market.runs) {
            try await store.query(
                SQLStatement(
                    "SELECT count(*), sum(close), sum(open), sum(high), sum(low), sum(vol), sum(amount) FROM stock_daily WHERE trade_date BETWEEN ? AND ?",
                    [.integer(Int64(request.start.rawValue)), .integer(Int64(request.end.rawValue))]))
        }
        report("sqlite baseline: engine scan of the same values", floor, rows: rows)
        try await store.close()
    }
}

struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract:
            "Sync from a local server speaking Tushare's protocol, no rate limit (target: SQLite ≥ 300,000 rows/s end to end)."
    )

    @OptionGroup var market: MarketOptions
    @Option(help: "sqlite, postgres, or both.") var backend = "both"
    @Option(help: "Units fetched at once (the CLI's default for Tushare).") var concurrency = 8
    @Flag(
        inversion: .prefixedNo,
        help: "Render the fixture's replies before timing: the real server's JSON writing does not run on our CPU.")
    var prerendered = true
    @Option(help: "Administrative PostgreSQL URL (default: $STOCKSCHOOL_TEST_POSTGRES_URL).") var postgresURL: String?

    func run() async throws {
        let generated = try market.market()
        let fixture = try await TushareFixture.start(market: generated)
        if prerendered { fixture.prerenderDailyReplies() }
        let request = SyncRequest(
            start: generated.configuration.start, end: generated.configuration.end, concurrency: concurrency)
        print(
            "market: \(market.stocks) stocks × \(generated.calendar.count) days; concurrency \(concurrency); replies \(prerendered ? "rendered before timing" : "rendered per call")"
        )
        for backend in backend == "both" ? ["sqlite", "postgres"] : [backend] {
            var rows = 0
            var calls = 0
            var urls: [String] = []
            let seconds = try await measure(runs: market.runs) {
                let url = try await freshStore(backend, admin: postgresURL)
                urls.append(url)
                let store = try await openStore(url: url)
                try await store.migrate()
                let source = TushareSource(
                    client: TushareClient(
                        baseURL: fixture.baseURL, token: TushareFixture.token, limiter: RateLimiter(limits: [:])))
                let report = try await SyncEngine(source: source, store: store).run(request)
                rows = report.rows
                calls = report.calls
                try await store.close()
                removeSQLiteFiles(url)
            }
            report("\(backend) sync from the Tushare fixture (\(calls) calls)", seconds, rows: rows)
        }
        try await fixture.stop()
    }

    /// A new, empty store: a temporary SQLite file or a new PostgreSQL database.
    func freshStore(_ backend: String, admin: String?) async throws -> String {
        if backend == "sqlite" {
            return "sqlite://"
                + FileManager.default.temporaryDirectory.appendingPathComponent("ss-sync-\(UUID().uuidString).sqlite")
                .path
        }
        guard let admin = admin ?? ProcessInfo.processInfo.environment["STOCKSCHOOL_TEST_POSTGRES_URL"] else {
            throw ValidationError("no PostgreSQL: pass --postgres-url or run through scripts/bench.sh")
        }
        let name = "ss_sync_\(UInt32.random(in: 0...UInt32.max))"
        let adminStore = try await openStore(url: admin)
        try await adminStore.query(SQLStatement("CREATE DATABASE \(name)"))
        try await adminStore.close()
        var components = URLComponents(string: admin)
        components?.path = "/" + name
        return components?.string ?? admin
    }
}

struct LimiterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limiter",
        abstract:
            "Sync under Tushare's default limits from a fixture enforcing them (target: wall time within 5% of the minimum the limits allow)."
    )

    @Option(help: "Simulated stocks (few: the limits, not the rows, set the time).") var stocks = 50
    @Option(help: "Full one-minute windows each per-day API must wait (calls per API = windows × 500 + 1).")
    var windows = 1
    @Option(help: "Units fetched at once.") var concurrency = 8
    @Option(help: "Timed runs; the median is reported.") var runs = 3

    func run() async throws {
        let perMinute = 500
        let days = windows * perMinute + 1
        // Enough calendar for `days` open days (about 243 a year), then cut the request there.
        let years = days / 240 + 1
        let start = TradeDate(unchecked: 2010_01_04)
        let generated = try SampleMarket(
            SampleMarketConfiguration(
                stocks: stocks, start: start, end: TradeDate(unchecked: Int32(2010 + years) * 10_000 + 1231), seed: 42))
        let end = generated.calendar.openDays[days - 1]
        let serverLimits = RateLimiter.tushareDefaults.mapValues(\.calls)
        let request = SyncRequest(start: start, end: end, concurrency: concurrency)
        let limit = RateLimiter.Limit.perMinute(perMinute)
        let minimum = limit.minimumDuration(of: days)
        let minimumSeconds = Double(minimum.components.seconds)
        print(
            "market: \(stocks) stocks × \(days) open days (\(start)–\(end)); \(days) calls each to daily, adj_factor, daily_basic at \(perMinute)/min; minimum \(minimumSeconds) s"
        )
        var ratios: [Double] = []
        var refused = 0
        var busiest = 0
        let seconds = try await measure(runs: runs) {
            let fixture = try await TushareFixture.start(market: generated, limits: serverLimits)
            let url =
                "sqlite://"
                + FileManager.default.temporaryDirectory.appendingPathComponent("ss-limit-\(UUID().uuidString).sqlite")
                .path
            let store = try await openStore(url: url)
            try await store.migrate()
            let source = TushareSource(
                client: TushareClient(baseURL: fixture.baseURL, token: TushareFixture.token, limiter: RateLimiter()))
            let clock = ContinuousClock()
            let began = clock.now
            try await SyncEngine(source: source, store: store).run(request)
            let elapsed = clock.now - began
            ratios.append(elapsed / minimum)
            refused += fixture.rateLimitedReplies
            for api in ["daily", "adj_factor", "daily_basic"] {
                busiest = max(busiest, fixture.busiestWindow(api, window: .seconds(60)))
            }
            try await store.close()
            removeSQLiteFiles(url)
            try await fixture.stop()
        }
        report("sync under Tushare's default limits", seconds)
        print(
            "  wall / minimum: median \(String(format: "%.4f", median(ratios))) (runs: \(ratios.map { String(format: "%.4f", $0) }.joined(separator: ", "))); busiest 60 s window at the server: \(busiest) calls (limit \(perMinute)); refused calls: \(refused)"
        )
    }
}

/// Deletes a benchmark's SQLite store (and its WAL files): a 5,000-stock store is hundreds of MB.
func removeSQLiteFiles(_ url: String) {
    guard url.hasPrefix("sqlite://") else { return }
    let path = String(url.dropFirst("sqlite://".count))
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
