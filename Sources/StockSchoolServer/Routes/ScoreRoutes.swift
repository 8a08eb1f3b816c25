/// Composite scores and ranks (`stockschool score`).
enum ScoreRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/v1/scores", summary: "One date's ranking, best first.", tag: "scores",
            parameters: [
                .query("trade_date", .date, "Date (default: the latest scored)."),
                .query("top", .integer(1...5000), "How many (default 50)."),
                .query("industry", .string, "Rank within this industry."),
                .query("score_name", .string, "Score model (default `default`)."),
            ], cache: .data
        ) { _ in throw APIError.notImplemented("score routes land with issue 6's score part") },
        APIRoute(
            .get, "/api/v1/stocks/{ts_code}/scores", summary: "One stock's scores and ranks over time.", tag: "scores",
            parameters: [
                .path("ts_code", .tsCode, "Stock code."), .startDate, .endDate,
                .query("score_name", .string, "Score model (default `default`)."), .page, .pageSize(default: 1000),
            ], cache: .data
        ) { _ in throw APIError.notImplemented("score routes land with issue 6's score part") },
    ]
}
