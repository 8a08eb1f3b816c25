import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// Factor routes over real HTTP: the catalog, values checked against the formula's definition
/// computed by hand from the stored bars, and stored ICs.
@Suite struct FactorRoutesTests {
    @Test(arguments: TestBackend.available)
    func catalogListsTheShippedSets(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            let all = try await server.get("/api/v1/factors?page_size=1000")
            #expect(all.status == 200)
            #expect(all.json["total"] as? Int == FactorCatalog.shipped.all.count)
            let alpha = try await server.get("/api/v1/factors?set=alpha158&page_size=1000")
            #expect(alpha.json["total"] as? Int == 158)
            let roc5 = try #require(alpha.items.first { $0["name"] as? String == "ROC5" })
            #expect(roc5["formula"] as? String == "Ref($close,5)/$close")
            let unknown = try await server.get("/api/v1/factors?set=alpha999")
            #expect(unknown.status == 400 && unknown.errorCode == "invalid_parameter")
            let missing = try await server.get("/api/v1/factors/NOPE?trade_date=20240105")
            #expect(missing.status == 404)
        }
    }

    /// ROC5 = Ref($close, 5) / $close: the close five trade dates earlier over today's, on
    /// forward-adjusted prices (a ratio, so raw close × adj_factor gives the same number).
    @Test(arguments: TestBackend.available)
    func valuesFollowTheFormulaDefinition(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let dates = try await server.store.query(
                SQLStatement("SELECT DISTINCT trade_date FROM stock_daily ORDER BY trade_date")
            ).compactMap { $0.first?.int }
            let day = dates[60]
            let earlier = dates[55]
            let rows = try await server.store.query(
                SQLStatement(
                    "SELECT d.ts_code, d.trade_date, d.close * a.adj_factor FROM stock_daily d JOIN adj_factor a ON a.ts_code = d.ts_code AND a.trade_date = d.trade_date WHERE d.trade_date IN (?, ?)",
                    [.integer(day), .integer(earlier)]))
            var closes: [String: [Int64: Double]] = [:]
            for row in rows { closes[row[0].string ?? "", default: [:]][row[1].int ?? 0] = row[2].doubleValue }

            let section = try await server.get("/api/v1/factors/ROC5?trade_date=\(day)")
            #expect(section.status == 200)
            #expect(section.json["trade_date"] as? String == String(day))
            var checked = 0
            for item in section.items {
                let code = try #require(item["ts_code"] as? String)
                guard let now = closes[code]?[day], let then = closes[code]?[earlier] else {
                    #expect(item["value"] is NSNull, "\(code) has no bar on one of the dates")
                    continue
                }
                let value = try #require(item["value"] as? Double)
                #expect(abs(value - then / now) < 1e-9)
                checked += 1
            }
            #expect(checked >= 15)

            let code = try #require(section.items.first { $0["value"] is Double }?["ts_code"] as? String)
            let series = try await server.get(
                "/api/v1/factors/ROC5?ts_code=\(code)&start_date=\(dates[50])&end_date=\(dates[70])")
            #expect(series.status == 200)
            let point = try #require(series.items.first { $0["trade_date"] as? String == String(day) })
            let sectionValue = section.items.first { $0["ts_code"] as? String == code }?["value"] as? Double
            #expect(point["value"] as? Double == sectionValue)

            let neither = try await server.get("/api/v1/factors/ROC5")
            #expect(neither.status == 400)
            let both = try await server.get("/api/v1/factors/ROC5?trade_date=\(day)&ts_code=\(code)")
            #expect(both.status == 400)
            let holiday = try await server.get("/api/v1/factors/ROC5?trade_date=20240210")
            #expect(holiday.status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func storedICsAreServedPaged(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let formula = try FactorJob.formula(expression: "Ref($close, 5)/$close")
            let job = EvaluationJob(
                factors: FactorJob(
                    factors: [("ROC5", formula)], start: TestServer.market.start, end: TestServer.market.end),
                horizons: [1, 5])
            let (_, stored) = try await job.runStoringICs(store: server.store) { _, _ in }
            #expect(stored > 0)
            let expected = try await server.store.query(
                SQLStatement(
                    "SELECT trade_date, rank_ic FROM factor_ic WHERE factor = 'ROC5' AND horizon = 5 AND convention = 'next' ORDER BY trade_date"
                ))
            let first = try await server.get("/api/v1/factors/ROC5/ic?horizon=5&page_size=50")
            #expect(first.status == 200)
            #expect(first.json["total"] as? Int == expected.count)
            #expect(first.items.count == min(50, expected.count))
            let second = try await server.get("/api/v1/factors/ROC5/ic?horizon=5&page_size=50&page=2")
            let served = (first.items + second.items)
            for (item, row) in zip(served, expected) {
                #expect(item["trade_date"] as? String == String(row[0].int ?? 0))
                // Foundation's JSON parser may round the last binary digit; the writer prints
                // shortest round-trip digits, so anything beyond 1e-15 relative is a real change.
                let servedIC = try #require(item["rank_ic"] as? Double)
                let storedIC = try #require(row[1].doubleValue)
                #expect(abs(servedIC - storedIC) <= 1e-15 * max(1, abs(storedIC)))
            }
            let other = try await server.get("/api/v1/factors/NOTSTORED/ic")
            #expect(other.status == 404)
            let badHorizon = try await server.get("/api/v1/factors/ROC5/ic?horizon=0")
            #expect(badHorizon.status == 400)
        }
    }
}
