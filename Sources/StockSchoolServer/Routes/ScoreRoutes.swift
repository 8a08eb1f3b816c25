import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore

/// Composite scores and ranks (`stockschool score`).
enum ScoreRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/v1/scores", summary: "One date's ranking, best first.", tag: "scores",
            parameters: [
                .query("trade_date", .date, "Date (default: the latest scored)."),
                .query("top", .integer(1...5000), "How many (default 50)."),
                .query("industry", .string, "Rank within this industry."),
                .query("board", .choice(Board.allCases.map(\.rawValue)), "Only this board: main, chiNext, star, bse."),
                .query("score_name", .string, "Score model (default `default`)."),
            ], cache: .data, handler: ranking),
        APIRoute(
            .get, "/api/v1/stocks/{ts_code}/scores", summary: "One stock's scores and ranks over time.", tag: "scores",
            parameters: [
                .path("ts_code", .tsCode, "Stock code."), .startDate, .endDate,
                .query("score_name", .string, "Score model (default `default`)."), .page, .pageSize(default: 1000),
            ], cache: .data, handler: stockScores),
    ]

    static func ranking(_ call: RouteCall) async throws -> Reply {
        let q = call.query
        let name = try q.string("score_name", maxLength: 100) ?? "default"
        let top = try q.int("top", in: 1...5000) ?? 50
        let industry = try q.string("industry", maxLength: 100)
        let board = try q.choice("board", of: Board.allCases.map(\.rawValue)).flatMap(Board.init(rawValue:))
        let store = call.services.store
        var date = try q.date("trade_date")
        if date == nil { date = try await store.latestScoreDate(name: name) }
        guard let date else {
            throw APIError.notFound(
                "no scores for model '\(name)'; run `stockschool score` (or `run-daily`) first",
                details: ["score_name": name])
        }
        var records: [ScoreRecord]
        let total: Int
        if let board {
            // The board is derived from the code, not stored: filter the date's whole ranking.
            records = try await store.ranking(name: name, date: date, industry: industry).filter {
                $0.tsCode.board == board
            }
            total = records.count
            records = Array(records.prefix(top))
        } else {
            records = try await store.ranking(name: name, date: date, industry: industry, limit: top)
            var filter = SQLFilter()
            filter.add("score_name = ?", .text(name))
            filter.add("trade_date = ?", .integer(Int64(date.rawValue)))
            if let industry { filter.add("industry = ?", .text(industry)) }
            total = try await store.count("scores", filter)
        }
        if total == 0, try await store.latestScoreDate(name: name) == nil {
            throw APIError.notFound(
                "no scores for model '\(name)'; run `stockschool score` (or `run-daily`) first",
                details: ["score_name": name])
        }
        let names = try await stockNames(store, records.map(\.tsCode))
        return Reply.list(
            page: Page(number: 1, size: top), total: total,
            header: { o in
                o.field("score_name", name)
                o.field("trade_date", date.description)
                if let industry { o.field("industry", industry) }
                if let board { o.field("board", board.rawValue) }
            }
        ) { w in
            w.array(records) { w, r in
                w.object { o in
                    o.field("rank", r.rank)
                    o.field("ts_code", r.tsCode.description)
                    o.field("name", names[r.tsCode.description])
                    o.field("industry", r.industry)
                    o.field("board", r.tsCode.board?.rawValue)
                    o.field("industry_rank", r.industryRank)
                    o.field("score", r.score)
                    o.field("composite", r.composite)
                }
            }
        }
    }

    static func stockNames(_ store: any MarketStore, _ codes: [TSCode]) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 500).map({ Array(codes[$0..<min($0 + 500, codes.count)]) }) {
            let rows = try await store.query(
                SQLStatement(
                    "SELECT ts_code, name FROM stock_basic WHERE ts_code IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))",
                    chunk.map { .text($0.description) }))
            for row in rows { if let code = row[0].string, let name = row[1].string { names[code] = name } }
        }
        return names
    }

    static func stockScores(_ call: RouteCall) async throws -> Reply {
        let code = try QueryParameters.tsCode(try call.path("ts_code"), parameter: "ts_code")
        let q = call.query
        let name = try q.string("score_name", maxLength: 100) ?? "default"
        let (start, end) = try q.dateRange(maximumDays: call.services.settings.maximumRangeDays)
        let page = try q.page(defaultSize: 1000)
        var filter = SQLFilter()
        filter.add("score_name = ?", .text(name))
        filter.add("ts_code = ?", .text(code.description))
        filter.dateBounds("trade_date", from: start, to: end)
        let store = call.services.store
        let total = try await store.count("scores", filter)
        if total == 0, try await !MarketRoutes.stockExists(store, code) {
            throw APIError.notFound("no stock \(code) in stock_basic", details: ["ts_code": code.description])
        }
        let rows = try await store.query(
            SQLStatement(
                "SELECT trade_date, score, composite, rank, industry, industry_rank FROM scores \(filter.clause) ORDER BY trade_date LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        return Reply.list(
            page: page, total: total,
            header: { o in
                o.field("ts_code", code.description)
                o.field("score_name", name)
            }
        ) { w in
            w.rows(
                rows,
                columns: [
                    ("trade_date", .date), ("score", .number), ("composite", .number), ("rank", .integer),
                    ("industry", .text), ("industry_rank", .integer),
                ])
        }
    }
}
