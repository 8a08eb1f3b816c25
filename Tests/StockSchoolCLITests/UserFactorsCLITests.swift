import Foundation
import StockSchoolStore
import Testing

/// A user's own factors in `factors.yaml`, used by `stockschool factors` on a demo store, checked
/// against values computed by hand from the store's tables.
@Suite struct UserFactorsCLITests {
    static let factorsFile = """
        factors:
          RET1: "$close / Ref($close, 1) - 1"
          RANGE:
            formula: "($high - $low) / $close"
            description: "the day's range over the close"
        sets:
          my-set:
            about: "a return, a range and a shipped candlestick"
            factors: [RET1, RANGE, KMID]
        """

    struct Listed: Decodable {
        let name: String
        let set: String
        let formula: String
        let description: String?
    }

    /// One stock's raw bars and adjustment factors, by trade date, and every date of the store.
    struct Bars {
        var dates: [Int64] = []
        var close: [Int64: Double] = [:]
        var open: [Int64: Double] = [:]
        var high: [Int64: Double] = [:]
        var low: [Int64: Double] = [:]
        var adj: [Int64: Double] = [:]

        init(_ code: String, store url: String) async throws {
            let store = try await openStore(url: url)
            do {
                dates = try await store.query(SQLStatement("SELECT DISTINCT trade_date FROM stock_daily ORDER BY 1"))
                    .compactMap { $0.first?.int }
                for row in try await store.query(
                    SQLStatement(
                        "SELECT trade_date, open, high, low, close FROM stock_daily WHERE ts_code = ?", [.text(code)]))
                {
                    guard let date = row[0].int else { continue }
                    (open[date], high[date], low[date], close[date]) =
                        (row[1].doubleValue, row[2].doubleValue, row[3].doubleValue, row[4].doubleValue)
                }
                for row in try await store.query(
                    SQLStatement("SELECT trade_date, adj_factor FROM adj_factor WHERE ts_code = ?", [.text(code)]))
                {
                    if let date = row[0].int { adj[date] = row[1].doubleValue }
                }
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
        }

        /// The trade date before `date` in the store's calendar: what `Ref(x, 1)` reads.
        func previous(_ date: Int64) -> Int64? {
            dates.firstIndex(of: date).flatMap { $0 > 0 ? dates[$0 - 1] : nil }
        }
    }

    static func stockWithAnExDate(_ url: String) async throws -> String? {
        let store = try await openStore(url: url)
        let rows = try await store.query(
            SQLStatement(
                "SELECT ts_code FROM adj_factor GROUP BY ts_code HAVING count(DISTINCT adj_factor) > 1 ORDER BY ts_code"
            ))
        try await store.close()
        return rows.first?.first?.string
    }

    /// `ts_code → trade_date → column → value` (an empty cell is absent).
    static func readCSV(_ path: String) throws -> (header: [String], rows: [String: [Int64: [String: Double]]]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines.first?.split(separator: ",").map(String.init) ?? []
        var rows: [String: [Int64: [String: Double]]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count, let date = Int64(cells[1]) else { continue }
            var values: [String: Double] = [:]
            for (name, cell) in zip(header, cells).dropFirst(2) { values[name] = Double(cell) }
            rows[cells[0], default: [:]][date] = values
        }
        return (header, rows)
    }

    static func same(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return Swift.abs(a - b) <= 1e-9 * Swift.max(1, Swift.abs(b))
    }

    @Test func ownFactorsAreListedComputedAndShown() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://\(directory.path)/u.sqlite"
        let demo = try await CLITests.run(
            ["demo", "--stocks", "12", "--start", "20230502", "--end", "20230831", "--store", url], in: directory)
        #expect(demo.status == 0, "\(demo.stderr)")
        // Found as ./factors.yaml in the working directory, with no configuration.
        try Self.factorsFile.write(
            to: directory.appendingPathComponent("factors.yaml"), atomically: true, encoding: .utf8)

        let list = try await CLITests.run(["factors", "list", "--store", url], in: directory)
        #expect(list.status == 0, "\(list.stderr)")
        for word in ["alpha158", "user", "my-set", "a return, a range and a shipped candlestick", "RET1"] {
            #expect(list.stdout.contains(word), "\(word): \(list.stdout.prefix(600))")
        }
        let user = try await CLITests.run(["factors", "list", "--set", "user", "--json"], in: directory)
        #expect(user.status == 0, "\(user.stderr)")
        let listed = try JSONDecoder().decode([Listed].self, from: Data(user.stdout.utf8))
        #expect(listed.map(\.name) == ["RET1", "RANGE"])
        #expect(listed.map(\.set) == ["user", "user"])
        #expect(listed[1].description == "the day's range over the close")
        let mine = try await CLITests.run(["factors", "list", "--set", "my-set"], in: directory)
        #expect(mine.stdout.contains("KMID") && mine.stdout.contains("($close-$open)/$open"), "\(mine.stdout)")

        // Unadjusted prices: every value is arithmetic on the raw daily table.
        let raw = directory.appendingPathComponent("raw.csv").path
        let computed = try await CLITests.run(
            [
                "factors", "compute", "--set", "my-set", "--adj", "none", "--start", "20230601", "--out", raw,
                "--store", url,
            ], in: directory)
        #expect(computed.status == 0, "\(computed.stderr)")
        let (header, rows) = try Self.readCSV(raw)
        #expect(header == ["ts_code", "trade_date", "RET1", "RANGE", "KMID"])
        // A stock with an ex-date in the range, so that the adjustment below matters.
        let code = try #require(try await Self.stockWithAnExDate(url))
        let bars = try await Bars(code, store: url)
        let stockRows = try #require(rows[code])
        #expect(stockRows.count > 20)
        var compared = 0
        for (date, values) in stockRows {
            #expect(date >= 2023_06_01)
            let close = try #require(bars.close[date])
            let before = bars.previous(date).flatMap { bars.close[$0] }
            let ret = before.map { close / $0 - 1 }
            #expect(Self.same(values["RET1"], ret), "RET1 \(code) \(date): \(String(describing: values["RET1"]))")
            let (high, low, open) = (bars.high[date] ?? .nan, bars.low[date] ?? .nan, bars.open[date] ?? .nan)
            #expect(Self.same(values["RANGE"], (high - low) / close), "RANGE \(code) \(date)")
            #expect(Self.same(values["KMID"], (close - open) / open), "KMID \(code) \(date)")
            if ret != nil { compared += 1 }
        }
        #expect(compared > 20)

        // Forward-adjusted (the default), one factor by name: close × adj / latest adj, so the
        // return is (close × adj) / (previous close × its adj) − 1.
        let adjusted = directory.appendingPathComponent("ret.csv").path
        let one = try await CLITests.run(
            ["factors", "compute", "--set", "RET1", "--out", adjusted, "--store", url],
            in: directory)
        #expect(one.status == 0, "\(one.stderr)")
        let adjustedRows = try #require(try Self.readCSV(adjusted).rows[code])
        var adjustedCompared = 0
        var exDates = 0
        for (date, values) in adjustedRows {
            guard let previous = bars.previous(date), let c0 = bars.close[previous], let a0 = bars.adj[previous],
                let c1 = bars.close[date], let a1 = bars.adj[date]
            else { continue }
            #expect(Self.same(values["RET1"], c1 * a1 / (c0 * a0) - 1), "qfq RET1 \(code) \(date)")
            adjustedCompared += 1
            if a0 != a1 { exDates += 1 }
        }
        #expect(adjustedCompared > 50)
        #expect(exDates > 0)

        // `show` knows the file's factors too, and agrees with the CSV.
        let shown = try await CLITests.run(
            [
                "factors", "show", "RANGE", "--ts-code", code, "--adj", "none", "--start", "20230601", "--json",
                "--store", url,
            ], in: directory)
        #expect(shown.status == 0, "\(shown.stderr)")
        struct Shown: Decodable {
            let trade_date: String
            let value: Double?
        }
        let series = try JSONDecoder().decode([Shown].self, from: Data(shown.stdout.utf8))
        #expect(!series.isEmpty)
        for point in series {
            guard let date = Int64(point.trade_date), let row = stockRows[date] else { continue }
            #expect(Self.same(point.value, row["RANGE"]), "show RANGE \(date)")
        }

        // The summary of a user set names its factors.
        let summary = try await CLITests.run(
            ["factors", "compute", "--set", "user", "--summary", "--store", url], in: directory)
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains("RET1") && summary.stdout.contains("RANGE"), "\(summary.stdout)")
    }

    @Test func helpNamesTheFile() async throws {
        for command in [["factors"], ["factors", "list"], ["factors", "compute"], ["factors", "show"]] {
            let help = try await CLITests.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("factors.yaml"), "\(command)")
        }
    }

    @Test func aBadFileIsRefusedSayingWhatAndWhere() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite://\(directory.path)/b.sqlite"
        #expect(try await CLITests.run(["init", "--store", store]).status == 0)
        let bad = directory.appendingPathComponent("mine.yaml")
        try "factors:\n  MOM20: \"Meen($close, 20)\"\n".write(to: bad, atomically: true, encoding: .utf8)
        let environment = ["STOCKSCHOOL_FACTORS_FILE": bad.path]
        for arguments in [
            ["factors", "list"], ["factors", "compute", "--set", "user", "--summary"],
            ["factors", "show", "KMID", "--ts-code", "600000.SH"],
        ] {
            let result = try await CLITests.run(
                arguments + ["--store", store], in: directory, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains(
                    "error: invalid configuration 'factors.MOM20' in \(bad.path) line 2: unknown function 'Meen' at 1"),
                "\(arguments): \(result.stderr)")
        }
        // A file named in the configuration must exist.
        let missing = try await CLITests.run(
            ["factors", "list"], in: directory, environment: ["STOCKSCHOOL_FACTORS_FILE": "nope.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("factors.file") && missing.stderr.contains("nope.yaml"), "\(missing.stderr)")
        // A formula typed on the command line does not need the file.
        let expr = try await CLITests.run(
            ["factors", "compute", "--expr", "$close", "--summary", "--store", store], in: directory,
            environment: environment)
        #expect(!expr.stderr.contains("factors.MOM20"), "\(expr.stderr)")
    }
}
