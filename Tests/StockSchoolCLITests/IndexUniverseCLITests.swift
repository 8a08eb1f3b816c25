import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `--universe index:000300.SH`, run as a user would: each date keeps that date's index members.
@Suite struct IndexUniverseCLITests {
    /// More stocks than index places (some stay out), over the June rebalance.
    static let market = ["--stocks", "330", "--start", "20230103", "--end", "20230929"]

    @Test func factorsComputeKeepsEachDatesIndexMembersOnly() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://\(directory.path)/s.sqlite"
        func run(_ arguments: [String]) async throws -> CLITests.Result {
            try await CLITests.run(arguments + ["--store", url], in: directory)
        }
        // Market data without constituents: an index universe says what to sync.
        let bare = try await run(
            ["sync", "--source", "sample"] + Self.market
                + ["--datasets", "stock_basic,trade_cal,daily,adj_factor,daily_basic"])
        #expect(bare.status == 0, "\(bare.stderr)")
        let missing = try await run([
            "factors", "compute", "--expr", "Mean($close,5)", "--summary", "--universe", "index:000300.SH",
        ])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("stockschool sync --datasets index_weight"), "\(missing.stderr)")
        #expect(missing.stderr.contains("000300.SH"), "\(missing.stderr)")

        let synced = try await run(["sync", "--source", "sample"] + Self.market + ["--datasets", "index_weight"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let indexCSV = directory.appendingPathComponent("index.csv").path
        let allCSV = directory.appendingPathComponent("all.csv").path
        for (universe, out) in [("index:000300.SH", indexCSV), ("all", allCSV)] {
            let computed = try await run([
                "factors", "compute", "--expr", "Mean($close,5)/Ref($close,1)", "--name", "F", "--universe", universe,
                "--out", out,
            ])
            #expect(computed.status == 0, "\(computed.stderr)")
        }

        let store = try await openStore(url: url)
        let weights = try await store.read(IndexWeight.self)
        try await store.close()
        let snapshots = Dictionary(grouping: weights, by: \.tradeDate).mapValues { Set($0.map(\.conCode.description)) }
        let snapshotDates = snapshots.keys.sorted()
        #expect(snapshotDates.count == 9)  // the first day and the ends of January … August
        func members(on date: Int32) -> Set<String> {
            guard let inForce = snapshotDates.last(where: { $0.rawValue <= date }) else { return [] }
            return snapshots[inForce] ?? []
        }
        let index = try Self.values(indexCSV)
        let all = try Self.values(allCSV)
        #expect(!index.isEmpty)
        // Inside: exactly the unmasked values of that date's members; outside: nothing.
        for (key, value) in index {
            #expect(members(on: key.date).contains(key.code), "\(key.code) \(key.date) is not a member")
            #expect(all[key] == value, "\(key.code) \(key.date)")
        }
        for (key, _) in all where members(on: key.date).contains(key.code) {
            #expect(index[key] != nil, "member \(key.code) \(key.date) lost its value")
        }
        let perDate = Dictionary(grouping: index.keys, by: \.date).mapValues(\.count)
        #expect(perDate.values.allSatisfy { $0 <= 300 })
        #expect(Set(index.keys.map(\.code)).count < Set(all.keys.map(\.code)).count)

        // The research commands take the same universe.
        let evaluated = try await run([
            "evaluate", "--expr", "-Log($close/Ref($close,5))", "--horizons", "1", "--universe", "index:000300.SH",
            "--start", "20230801", "--json",
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let backtest = try await run([
            "backtest", "--expr", "-Log($close/Ref($close,5))", "--top", "10", "--universe", "index:000300.SH",
            "--start", "20230801", "--no-store", "--json",
        ])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        // Scores exist for each date's members only, and a backtest on them buys only members.
        let scored = try await run([
            "score", "--universe", "index:000300.SH", "--factors", "ROC5", "--weighting", "equal", "--start",
            "20230901", "--end", "20230928",
        ])
        #expect(scored.status == 0, "\(scored.stderr)")
        let reopened = try await openStore(url: url)
        let scores = try await reopened.query(SQLStatement("SELECT trade_date, ts_code FROM scores"))
        try await reopened.close()
        #expect(!scores.isEmpty)
        for row in scores {
            let (date, code) = (Int32(row[0].int ?? 0), row[1].string ?? "")
            #expect(members(on: date).contains(code), "scored \(code) on \(date) outside the index")
        }
        let onScores = try await run([
            "backtest", "--score", "default", "--top", "10", "--universe", "index:000300.SH", "--start", "20230904",
            "--no-store", "--json",
        ])
        #expect(onScores.status == 0, "\(onScores.stderr)")
        let bad = try await run(["score", "--universe", "index:XYZ"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'XYZ'"), "\(bad.stderr)")
    }

    struct Key: Hashable {
        let code: String
        let date: Int32
    }

    /// The non-empty cells of a one-factor wide CSV.
    static func values(_ path: String) throws -> [Key: String] {
        var out: [Key: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 3, !cells[2].isEmpty, let date = Int32(cells[1]) else { continue }
            out[Key(code: cells[0], date: date)] = cells[2]
        }
        return out
    }
}
