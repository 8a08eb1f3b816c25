import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// The market routes over real HTTP on both stores, checked against the rows in the store.
@Suite struct MarketRoutesTests {
    @Test(arguments: TestBackend.available)
    func stocksListPagesAndFilters(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let all = try await server.get("/api/v1/stocks?page_size=7")
            #expect(all.status == 200)
            #expect(all.json["total"] as? Int == TestServer.market.stocks)
            #expect(all.items.count == 7)
            #expect(all.json["page"] as? Int == 1)
            #expect(all.json["page_size"] as? Int == 7)
            let codes = all.items.compactMap { $0["ts_code"] as? String }
            #expect(codes == codes.sorted())

            // The last page holds the remainder; one past it is empty, not an error.
            let last = try await server.get("/api/v1/stocks?page=3&page_size=7")
            #expect(last.items.count == TestServer.market.stocks - 14)
            let beyond = try await server.get("/api/v1/stocks?page=4&page_size=7")
            #expect(beyond.status == 200 && beyond.items.isEmpty && beyond.json["total"] as? Int == 20)

            // Every page together is every stock once.
            var seen: [String] = []
            for page in 1...3 {
                seen += try await server.get("/api/v1/stocks?page=\(page)&page_size=7").items.compactMap {
                    $0["ts_code"] as? String
                }
            }
            #expect(Set(seen).count == 20)

            // Filters match what the store holds.
            let first = try #require(all.items.first)
            let industry = try #require(first["industry"] as? String)
            let expected = try await server.store.query(
                SQLStatement("SELECT count(*) FROM stock_basic WHERE industry = ?", [.text(industry)]))
            let byIndustry = try await server.get(
                "/api/v1/stocks?industry=\(industry.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            )
            #expect(byIndustry.json["total"] as? Int == Int(expected.first?.first?.int ?? -1))
            #expect(byIndustry.items.allSatisfy { $0["industry"] as? String == industry })

            let code = try #require(first["ts_code"] as? String)
            let byCode = try await server.get("/api/v1/stocks?q=\(code.prefix(6))")
            #expect(byCode.items.contains { $0["ts_code"] as? String == code })
            // LIKE wildcards are literal: '%' matches nothing.
            let percent = try await server.get("/api/v1/stocks?q=%25")
            #expect(percent.status == 200 && percent.json["total"] as? Int == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func pageSizeAndParametersAreValidated(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            for (path, parameter) in [
                ("/api/v1/stocks?page_size=1001", "page_size"), ("/api/v1/stocks?page_size=0", "page_size"),
                ("/api/v1/stocks?page=0", "page"), ("/api/v1/stocks?page=x", "page"),
                ("/api/v1/stocks?list_status=X", "list_status"), ("/api/v1/stocks?sort=name", "sort"),
                ("/api/v1/stocks/60000.SH", "ts_code"),
                ("/api/v1/stocks/600000.SH/daily?start_date=2024-01-02", "start_date"),
                ("/api/v1/stocks/600000.SH/daily?start_date=20240301&end_date=20240102", "start_date"),
                ("/api/v1/stocks/600000.SH/daily?start_date=19900101&end_date=20240102", "end_date"),
                ("/api/v1/stocks/600000.SH/daily?adj=pre", "adj"),
                ("/api/v1/stocks/600000.SH/daily?fields=close,foo", "fields"),
                ("/api/v1/trade_cal?is_open=2", "is_open"), ("/api/v1/stocks?page=1&page=2", "page"),
            ] {
                let answer = try await server.get(path)
                #expect(answer.status == 400, "\(path)")
                #expect(answer.errorCode == "invalid_parameter", "\(path)")
                let error = try #require(answer.json["error"] as? [String: Any])
                #expect((error["details"] as? [String: String])?["parameter"] == parameter, "\(path)")
                #expect((error["message"] as? String)?.hasPrefix(parameter) == true, "\(path)")
            }
            let unknown = try await server.get("/api/v1/nothing")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            let missing = try await server.get("/api/v1/stocks/600000.SH")
            #expect(missing.status == 404 && missing.errorCode == "not_found")
        }
    }

    @Test(arguments: TestBackend.available)
    func dailyBarsAdjustLikeTheDefinitions(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            // The stock whose adj_factor changes most in the range: the adjustments show.
            let rows = try await server.store.query(
                SQLStatement(
                    "SELECT ts_code FROM adj_factor GROUP BY ts_code ORDER BY max(adj_factor) / min(adj_factor) DESC LIMIT 1"
                ))
            let code = try #require(rows.first?.first?.string)
            let raw = try await server.get("/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240628")
            let hfq = try await server.get("/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240628&adj=hfq")
            let qfq = try await server.get("/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240628&adj=qfq")
            #expect(raw.status == 200 && hfq.status == 200 && qfq.status == 200)
            let bars = try await server.store.query(
                SQLStatement(
                    "SELECT d.trade_date, d.close, a.adj_factor FROM stock_daily d JOIN adj_factor a ON a.ts_code = d.ts_code AND a.trade_date = d.trade_date WHERE d.ts_code = ? ORDER BY d.trade_date",
                    [.text(code)]))
            #expect(raw.items.count == bars.count && raw.json["total"] as? Int == bars.count)
            let latest = try #require(bars.last?[2].doubleValue)
            for (i, bar) in bars.enumerated() {
                let close = try #require(bar[1].doubleValue)
                let factor = try #require(bar[2].doubleValue)
                #expect(raw.items[i]["trade_date"] as? String == String(bar[0].int ?? 0))
                #expect(raw.items[i]["close"] as? Double == close)
                #expect(abs((hfq.items[i]["close"] as? Double ?? .nan) - close * factor) < 1e-9 * close * factor)
                #expect(abs((qfq.items[i]["close"] as? Double ?? .nan) - close * factor / latest) < 1e-9 * close)
                // pct_chg and vol are not prices: unchanged by adjustment.
                #expect(qfq.items[i]["vol"] as? Double == raw.items[i]["vol"] as? Double)
            }
            // The latest qfq close is the real one.
            #expect(abs((qfq.items.last?["close"] as? Double ?? .nan) - (bars.last?[1].doubleValue ?? 0)) < 1e-9)

            let narrow = try await server.get(
                "/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240628&fields=trade_date,close&page_size=10&page=2"
            )
            #expect(narrow.items.count == 10)
            #expect(narrow.items.allSatisfy { Set($0.keys) == ["trade_date", "close"] })
            #expect(narrow.items.first?["trade_date"] as? String == String(bars[10][0].int ?? 0))
        }
    }

    @Test(arguments: TestBackend.available)
    func calendarAndIndexBars(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            let open = try await server.get("/api/v1/trade_cal?start_date=20240101&end_date=20240131&is_open=1")
            #expect(open.status == 200)
            // January 2024 had 22 trading days on the SSE (New Year's Day closed).
            let stored = try await server.store.query(
                SQLStatement(
                    "SELECT count(*) FROM trade_cal WHERE exchange = 'SSE' AND is_open = ? AND cal_date BETWEEN 20240101 AND 20240131",
                    [.integer(1)]))
            #expect(open.json["total"] as? Int == Int(stored.first?.first?.int ?? -1))
            #expect(open.items.allSatisfy { $0["is_open"] as? Int == 1 })
            #expect(open.items.first?["cal_date"] as? String == "20240102")

            let index = try await server.get("/api/v1/index/000300.SH/daily?start_date=20240102&end_date=20240131")
            #expect(index.status == 200)
            #expect(index.items.count == open.items.count)
            let none = try await server.get("/api/v1/index/399999.SZ/daily")
            #expect(none.status == 404)
        }
    }
}
