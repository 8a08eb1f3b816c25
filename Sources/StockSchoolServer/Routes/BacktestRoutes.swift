import HTTPTypes
import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore

/// Backtests: started in the background, read back by id.
enum BacktestRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .post, "/api/v1/backtests", summary: "Start a backtest; answers 202 with its id at once.", tag: "backtests",
            access: .analyst, body: RouteBody(schema: BacktestRequest.schema), successStatus: 202, handler: start),
        APIRoute(
            .get, "/api/v1/backtests/{id}", summary: "A backtest's status, metrics and NAV series.", tag: "backtests",
            parameters: [.path("id", .integer(1...Int.max), "Backtest id.")], handler: run),
        APIRoute(
            .get, "/api/v1/backtests/{id}/trades",
            summary: "A backtest's orders in the order placed: fills, and rejections with their reason.",
            tag: "backtests",
            parameters: [
                .path("id", .integer(1...Int.max), "Backtest id."),
                .query("status", .choice(["filled", "rejected"]), "Only filled or only rejected orders."),
                .query("ts_code", .tsCode, "Only this stock's orders."),
                .page, .pageSize(default: 100),
            ], handler: trades),
        APIRoute(
            .get, "/api/v1/backtests", summary: "Backtests, newest first (without NAV series).", tag: "backtests",
            parameters: [.page, .pageSize(default: 100)], handler: list),
    ]

    static func start(_ call: RouteCall) async throws -> Reply {
        let job = try await call.body(BacktestRequest.self).job(call.services)
        let store = call.services.store
        let id = try await store.startBacktestRun(
            name: job.signal.description, start: job.start, end: job.end, parameters: job.parametersJSON)
        let logger = call.services.logger
        call.services.jobs.start(.backtest) {
            do {
                try Task.checkCancellation()
                let result = try await job.run(store: store)
                try Task.checkCancellation()
                try await store.finishBacktestRun(id, result: result)
            } catch {
                let message = error is CancellationError ? "cancelled: the server shut down" : "\(error)"
                logger.warning("backtest failed", metadata: ["id": "\(id)", "error": "\(message)"])
                try? await store.failBacktestRun(id, message: message)
            }
        }
        var reply = Reply.json(
            { w in
                w.object { o in
                    o.field("id", id)
                    o.field("status", "running")
                    o.field("url", "/api/v1/backtests/\(id)")
                }
            }, status: .accepted)
        reply.headers[.location] = "/api/v1/backtests/\(id)"
        return reply
    }

    static func run(_ call: RouteCall) async throws -> Reply {
        let text = try call.path("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError.invalidParameter("id", "'\(text)' is not a backtest id")
        }
        guard let record = try await call.services.store.backtestRuns(id: id).first else {
            throw APIError.notFound("no backtest \(id)", details: ["id": text])
        }
        return Reply.json { write(&$0, record, nav: true) }
    }

    static let tradeColumns: [(name: String, kind: ColumnKind)] = [
        ("seq", .integer), ("trade_date", .date), ("ts_code", .text), ("side", .text), ("shares", .number),
        ("price", .number), ("amount", .number), ("commission", .number), ("stamp_duty", .number),
        ("status", .text), ("reason", .text),
    ]

    static func trades(_ call: RouteCall) async throws -> Reply {
        let text = try call.path("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError.invalidParameter("id", "'\(text)' is not a backtest id (a positive integer)")
        }
        let store = call.services.store
        guard try await store.backtestRuns(id: id).first != nil else {
            throw APIError.notFound("no backtest \(id)", details: ["id": text])
        }
        let q = call.query
        let page = try q.page(defaultSize: 100)
        var filter = SQLFilter()
        filter.add("run_id = ?", .integer(id))
        if let status = try q.choice("status", of: ["filled", "rejected"]) { filter.add("status = ?", .text(status)) }
        if let code = try q.tsCode("ts_code") { filter.add("ts_code = ?", .text(code.description)) }
        let total = try await store.count("backtest_trades", filter)
        let rows = try await store.query(
            SQLStatement(
                "SELECT \(tradeColumns.map(\.name).joined(separator: ", ")) FROM backtest_trades \(filter.clause) ORDER BY seq LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        return Reply.list(page: page, total: total, header: { $0.field("id", id) }) {
            $0.rows(rows, columns: tradeColumns)
        }
    }

    static func list(_ call: RouteCall) async throws -> Reply {
        let page = try call.query.page(defaultSize: 100)
        let store = call.services.store
        let total = try await store.count("backtest_runs")
        // backtestRuns reads newest first; take the page's slice of the newest `offset + size`.
        let records = try await store.backtestRuns(limit: page.offset + page.size).dropFirst(page.offset)
        return Reply.list(page: page, total: total) { w in
            w.array(records) { w, record in write(&w, record, nav: false) }
        }
    }

    static func write(_ w: inout JSONWriter, _ r: BacktestRunRecord, nav: Bool) {
        w.object { o in
            o.field("id", r.id)
            o.field("name", r.name)
            o.field("status", r.status)
            o.field("created_at", r.createdAt)
            o.field("finished_at", r.finishedAt)
            o.field("start_date", r.start.description)
            o.field("end_date", r.end.description)
            // Stored as JSON documents by the store: passed through as they are.
            o.field("parameters") { $0.raw(r.parameters.utf8) }
            o.field("metrics") { w in if let m = r.metrics { w.raw(m.utf8) } else { w.null() } }
            if nav { o.field("nav") { w in if let n = r.nav { w.raw(n.utf8) } else { w.null() } } }
            o.field("message", r.message)
        }
    }
}
