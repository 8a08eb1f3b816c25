/// Factors: the catalog, values (a cross-section or one stock's series), evaluations and stored ICs.
enum FactorRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/v1/factors", summary: "The factor catalog with formulas.", tag: "factors",
            parameters: [.query("set", .string, "Only this set's factors."), .page, .pageSize(default: 1000)],
            cache: .list
        ) { _ in throw APIError.notImplemented("factor routes land with issue 6's factor part") },
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
            ], cache: .data
        ) { _ in throw APIError.notImplemented("factor routes land with issue 6's factor part") },
        APIRoute(
            .post, "/api/v1/factors/evaluate", summary: "Evaluate factors (IC, RankIC, quantile returns).",
            tag: "factors", access: .analyst, body: RouteBody(schema: "{\"type\":\"object\"}")
        ) { _ in throw APIError.notImplemented("factor routes land with issue 6's factor part") },
        APIRoute(
            .get, "/api/v1/factors/{name}/ic", summary: "A factor's stored daily IC and RankIC.", tag: "factors",
            parameters: [
                .path("name", .string, "Factor name."),
                .query("horizon", .integer(1...250), "Forward-return horizon in trade days (default 5)."),
                .query("convention", .choice(["next", "close"]), "Return convention (default next)."),
                .startDate, .endDate, .page, .pageSize(default: 1000),
            ], cache: .data
        ) { _ in throw APIError.notImplemented("factor routes land with issue 6's factor part") },
    ]
}
