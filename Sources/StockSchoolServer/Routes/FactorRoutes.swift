import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore

/// Factors: the catalog, values (a cross-section or one stock's series), evaluations and stored ICs.
enum FactorRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/v1/factors", summary: "The factor catalog with formulas.", tag: "factors",
            parameters: [.query("set", .string, "Only this set's factors."), .page, .pageSize(default: 1000)],
            cache: .list, handler: catalog),
        APIRoute(
            .get, "/api/v1/factors/{name}",
            summary:
                "A factor's values: a cross-section (trade_date) or one stock's series (ts_code, start_date, end_date).",
            tag: "factors",
            parameters: [
                .path("name", .string, "Factor name from the catalog."),
                .query("trade_date", .date, "Cross-section on this date."),
                .query("ts_code", .tsCode, "Series of this stock."), .startDate, .endDate,
                .query("adj", .choice(["qfq", "hfq", "none"]), "Price adjustment of the panel (default qfq)."),
                .page, .pageSize(default: 1000),
            ], cache: .data, handler: values),
        APIRoute(
            .post, "/api/v1/factors/evaluate", summary: "Evaluate factors (IC, RankIC, quantile returns, decay).",
            tag: "factors", access: .analyst, body: RouteBody(schema: FactorEvaluationRequest.schema),
            handler: FactorEvaluationRequest.handle),
        APIRoute(
            .get, "/api/v1/factors/{name}/ic", summary: "A factor's stored daily IC and RankIC.", tag: "factors",
            parameters: [
                .path("name", .string, "Factor name (as `stockschool evaluate` stored it)."),
                .query("horizon", .integer(1...250), "Forward-return horizon in trade days (default 5)."),
                .query("convention", .choice(["next", "close"]), "Return convention (default next)."),
                .startDate, .endDate, .page, .pageSize(default: 1000),
            ], cache: .data, handler: ic),
        APIRoute(
            .get, "/api/v1/factors/{name}/evaluation",
            summary:
                "Evaluate one catalog factor now: IC, RankIC, quantile returns, turnover and decay, with the daily series.",
            tag: "factors",
            parameters: [
                .path("name", .string, "Factor name from the catalog."),
                .query("horizons", .string, "Comma-separated horizons in trade days, 1–250 (default 1,5,10,20)."),
                .query("quantiles", .integer(2...20), "Quantile groups (default 5)."),
                .query("convention", .choice(["next", "close"]), "Return convention (default next)."),
                .startDate, .endDate,
            ], cache: .data, handler: evaluation),
    ]

    static func loadCatalog(_ services: APIServices) throws -> FactorCatalog {
        try FactorCatalog.load(services.configuration)
    }

    static func catalog(_ call: RouteCall) async throws -> Reply {
        let catalog = try loadCatalog(call.services)
        var factors = catalog.all
        if let set = try call.query.string("set") {
            guard let inSet = catalog.factors(in: set) else {
                throw APIError.invalidParameter(
                    "set", "unknown set '\(set)'; sets are \(catalog.sets.map(\.name).joined(separator: ", "))")
            }
            factors = inSet
        }
        let page = try call.query.page(defaultSize: 1000)
        let slice = factors.dropFirst(page.offset).prefix(page.size)
        return Reply.list(page: page, total: factors.count) { w in
            w.array(slice) { w, factor in
                w.object { o in
                    o.field("name", factor.name)
                    o.field("set", factor.set)
                    o.field("formula", factor.formula)
                    o.field("description", factor.about)
                }
            }
        }
    }

    /// The named factor, parsed; 404 when the catalog has no such name.
    static func factor(_ call: RouteCall) throws -> (name: String, formula: Formula) {
        let name = try call.path("name")
        let catalog = try loadCatalog(call.services)
        guard let named = catalog.factor(named: name) else {
            throw APIError.notFound(
                "no factor named '\(name)'; GET /api/v1/factors lists them", details: ["name": name])
        }
        guard let parsed = try catalog.parse([named]).first else {
            throw APIError.notFound("no factor named '\(name)'", details: ["name": name])
        }
        return parsed
    }

    static func values(_ call: RouteCall) async throws -> Reply {
        let factor = try factor(call)
        let q = call.query
        let adjustment = PriceAdjustment(rawValue: try q.choice("adj", of: ["qfq", "hfq", "none"]) ?? "qfq") ?? .qfq
        let page = try q.page(defaultSize: 1000)
        let date = try q.date("trade_date")
        let code = try q.tsCode("ts_code")
        let cache = call.services.panelCache
        switch (date, code) {
        case (let date?, nil):
            for other in ["start_date", "end_date"] where try q.string(other) != nil {
                throw APIError.invalidParameter(other, "not used with trade_date (a cross-section is one date)")
            }
            var values: [Double] = []
            let job = FactorJob(factors: [factor], start: date, end: date, adjustment: adjustment, cache: cache)
            let shape = try await job.run(store: call.services.store) { _, column in values = Array(column) }
            guard shape.dates == [date] else {
                throw APIError.notFound(
                    "no bars on \(date): not a trade date, or not synced", details: ["trade_date": "\(date)"])
            }
            return valuesReply(
                factor.name, about: ("trade_date", date.description), labelled: "ts_code",
                shape.tsCodes.map(\.description), values, page: page)
        case (nil, let code?):
            let (start, end) = try await MarketRoutes.range(call, table: "stock_daily", code: code)
            var values: [Double] = []
            let job = FactorJob(
                factors: [factor], start: start, end: end, universe: .codes([code]), adjustment: adjustment,
                cache: cache)
            let shape = try await job.run(store: call.services.store) { _, column in values = Array(column) }
            guard shape.tsCodes == [code] else {
                throw APIError.notFound(
                    "no bars for \(code) in \(start)–\(end)", details: ["ts_code": code.description])
            }
            return valuesReply(
                factor.name, about: ("ts_code", code.description), labelled: "trade_date",
                shape.dates.map(\.description), values, page: page)
        case (.some, .some):
            throw APIError.invalidParameter(
                "trade_date", "give trade_date (a cross-section) or ts_code (a series), not both")
        case (nil, nil):
            throw APIError.invalidParameter("trade_date", "give trade_date (a cross-section) or ts_code (a series)")
        }
    }

    /// One page of a factor's values, each labelled by the stock (a cross-section) or the date
    /// (a series): `{factor, <about>, items: [{<label>, value}], page, page_size, total}`.
    static func valuesReply(
        _ factor: String, about: (name: String, value: String), labelled label: String, _ labels: [String],
        _ values: [Double], page: Page
    ) -> Reply {
        let rows = zip(labels, values).dropFirst(page.offset).prefix(page.size)
        return Reply.list(
            page: page, total: labels.count,
            header: { o in
                o.field("factor", factor)
                o.field(about.name, about.value)
            }
        ) { w in
            w.array(rows) { w, row in
                w.object { o in
                    o.field(label, row.0)
                    o.field("value", row.1)
                }
            }
        }
    }

    static func evaluation(_ call: RouteCall) async throws -> Reply {
        let factor = try factor(call)
        let q = call.query
        var horizons = [1, 5, 10, 20]
        if let text = try q.string("horizons", maxLength: 100) {
            let parsed = text.split(separator: ",", omittingEmptySubsequences: false).map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            guard (1...10).contains(parsed.count), parsed.allSatisfy({ $0.map { (1...250).contains($0) } ?? false })
            else {
                throw APIError.invalidParameter(
                    "horizons", "'\(text)' must be 1 to 10 comma-separated trade-day counts, each 1–250")
            }
            horizons = parsed.compactMap { $0 }
        }
        let quantiles = try q.int("quantiles", in: 2...20) ?? 5
        let convention =
            ReturnConvention(rawValue: try q.choice("convention", of: ["next", "close"]) ?? "next") ?? .next
        // Checked as query parameters first, so a bad range is a 400 naming the parameter.
        let checked = try q.dateRange(maximumDays: call.services.settings.maximumRangeDays)
        let (start, end) = try await BodyDates.range(from: checked.start, to: checked.end, call.services)
        let job = EvaluationJob(
            factors: FactorJob(factors: [factor], start: start, end: end, cache: call.services.panelCache),
            horizons: horizons, convention: convention, quantiles: quantiles)
        return try await FactorEvaluationRequest.evaluate(job, call.services, series: true)
    }

    static func ic(_ call: RouteCall) async throws -> Reply {
        let name = try call.path("name")
        let q = call.query
        let horizon = try q.int("horizon", in: 1...250) ?? 5
        let convention = try q.choice("convention", of: ["next", "close"]) ?? "next"
        let (start, end) = try q.dateRange(maximumDays: Int.max)
        let page = try q.page(defaultSize: 1000)
        var filter = SQLFilter()
        filter.add("factor = ?", .text(name))
        filter.add("convention = ?", .text(convention))
        filter.add("horizon = ?", .integer(Int64(horizon)))
        filter.dateBounds("trade_date", from: start, to: end)
        let store = call.services.store
        let total = try await store.count("factor_ic", filter)
        if total == 0 {
            let any = try await store.query(
                SQLStatement("SELECT 1 FROM factor_ic WHERE factor = ? LIMIT 1", [.text(name)]))
            if any.isEmpty {
                throw APIError.notFound(
                    "no stored ICs for '\(name)'; run `stockschool evaluate --factor \(name)`", details: ["name": name])
            }
        }
        let rows = try await store.query(
            SQLStatement(
                "SELECT trade_date, ic, rank_ic, n, excluded FROM factor_ic \(filter.clause) ORDER BY trade_date LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        return Reply.list(
            page: page, total: total,
            header: { o in
                o.field("factor", name)
                o.field("horizon", horizon)
                o.field("convention", convention)
            }
        ) { w in
            w.rows(
                rows,
                columns: [
                    ("trade_date", .date), ("ic", .number), ("rank_ic", .number), ("n", .integer),
                    ("excluded", .integer),
                ])
        }
    }
}
