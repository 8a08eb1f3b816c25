/// Backtests: started in the background, read back by id.
enum BacktestRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .post, "/api/v1/backtests", summary: "Start a backtest; answers 202 with its id at once.", tag: "backtests",
            access: .analyst, body: RouteBody(schema: "{\"type\":\"object\"}"), successStatus: 202
        ) { _ in throw APIError.notImplemented("backtest routes land with issue 6's backtest part") },
        APIRoute(
            .get, "/api/v1/backtests/{id}", summary: "A backtest's status, metrics and NAV series.", tag: "backtests",
            parameters: [.path("id", .integer(1...Int.max), "Backtest id.")]
        ) { _ in throw APIError.notImplemented("backtest routes land with issue 6's backtest part") },
        APIRoute(
            .get, "/api/v1/backtests", summary: "Backtests, newest first.", tag: "backtests",
            parameters: [.page, .pageSize(default: 100)]
        ) { _ in throw APIError.notImplemented("backtest routes land with issue 6's backtest part") },
    ]
}
