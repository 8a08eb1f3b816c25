import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolSync

@Suite struct CSVSourceTests {
    static let configuration = SampleMarketConfiguration(
        stocks: 10, start: TradeDate(unchecked: 2024_02_01), end: TradeDate(unchecked: 2024_02_29), seed: 9)

    /// Writes the simulated market as Tushare-format CSV files, quoting where RFC 4180 requires.
    static func export(_ market: SampleMarket, to directory: URL) throws {
        func cell(_ value: TushareValue) -> String {
            switch value {
            case .null: return ""
            case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            case .string(let s):
                return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
        }
        func write(_ name: String, _ tables: [TushareResponse.Table]) throws {
            guard let first = tables.first else { return }
            var text = "\u{FEFF}" + first.fields.joined(separator: ",") + "\r\n"
            for table in tables {
                for row in table.items { text += row.map(cell).joined(separator: ",") + "\r\n" }
            }
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let days = market.calendar.openDays
        func replies(_ api: String) -> [TushareResponse.Table] {
            days.compactMap { FixtureReplies.table(api: api, params: ["trade_date": $0.description], market: market) }
        }
        try write("daily.csv", replies("daily"))
        try write("adj_factor.csv", replies("adj_factor"))
        try write("daily_basic.csv", replies("daily_basic"))
        try write(
            "stock_basic.csv",
            ["L", "D", "P"].compactMap {
                FixtureReplies.table(api: "stock_basic", params: ["list_status": $0], market: market)
            })
        try write(
            "trade_cal.csv",
            [FixtureReplies.table(api: "trade_cal", params: [:], market: market)].compactMap { $0 })
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ss-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func importsTheSameDataAsADirectSync() async throws {
        let market = try SampleMarket(Self.configuration)
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.export(market, to: directory)
        let csv = try CSVSource(path: directory.path)
        #expect(csv.datasets == [.stockBasic, .tradeCal, .daily, .adjFactor, .dailyBasic])
        let request = SyncRequest(
            datasets: csv.datasets, start: Self.configuration.start, end: Self.configuration.end, full: true)
        let imported = try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: csv, store: store).run(request)
            return (
                try await store.read(DailyBar.self), try await store.read(DailyBasic.self),
                try await store.read(StockBasic.self), try await store.read(AdjFactor.self)
            )
        }
        #expect(imported.0.count == market.rowCounts.daily)
        #expect(
            imported.0
                == market.calendar.openDays.flatMap { market.daily(on: $0) }.sorted {
                    ($0.tradeDate, $0.tsCode) < ($1.tradeDate, $1.tsCode)
                })
        #expect(imported.1.count == market.rowCounts.dailyBasic)
        #expect(imported.2 == market.stockBasic)
        #expect(imported.3.count == market.rowCounts.adjFactor)
    }

    @Test(arguments: [
        (
            "ts_code,trade_date,adj_factor\n600000.SH,20240102,1.5\n600000.SH,2024013,1.5\n",
            "line 3 column 2 (trade_date)"
        ),
        ("ts_code,trade_date,adj_factor\n600000.SH,20240102,abc\n", "line 2 column 3 (adj_factor)"),
        ("ts_code,trade_date,adj_factor\n600000.XX,20240102,1\n", "line 2 column 1 (ts_code)"),
        ("ts_code,trade_date,adj_factor\n600000.SH,20240102\n", "line 2"),
        ("ts_code,trade_date\n600000.SH,20240102\n", "adj_factor"),
        ("ts_code,trade_date,adj_factor\n\"600000.SH,20240102,1\n", "never closed"),
        ("ts_code,trade_date,adj_factor\n600000.SH,20240102,-1\n", "not positive"),
    ])
    func aBadCellNamesFileLineAndColumnAndNothingIsImported(_ text: String, _ expected: String) throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try text.write(to: directory.appendingPathComponent("adj_factor.csv"), atomically: true, encoding: .utf8)
        do {
            _ = try CSVSource(path: directory.path)
            Issue.record("\(text) was accepted")
        } catch let error as SyncError {
            #expect(error.description.contains("adj_factor.csv"), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.contains("nothing was imported"))
        }
    }

    @Test func unknownFileNamesAreRejected() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "a,b\n1,2\n".write(to: directory.appendingPathComponent("prices.csv"), atomically: true, encoding: .utf8)
        #expect(throws: SyncError.self) { try CSVSource(path: directory.path) }
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let table = try CSVTable(text: "a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n,3\r\n", file: "t.csv")
        #expect(table.header == ["a", "b"])
        #expect(table.rows.map(\.cells) == [["x, \"y\"", "two\nlines"], ["", "3"]])
        #expect(table.rows.map(\.line) == [2, 4])
        #expect(table.table().items[1] == [.null, .string("3")])
    }
}
