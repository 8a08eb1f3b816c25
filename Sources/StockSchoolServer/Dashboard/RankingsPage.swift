import StockSchoolCore
import StockSchoolStore

/// `/rankings?industry=…&board=…&top=…`: the filters (the industries read here), the table
/// fetched by the script from `/api/v1/scores` and sortable in the browser.
enum RankingsPage {
    static let tops = [20, 50, 100, 300, 1000]

    static func view(_ request: DashboardRequest) async -> DashboardView {
        var view = DashboardView(page: .rankings, title: request.t("rankings"))
        let industry = request.value("industry")
        let board = request.value("board")
        let top = request.value("top").flatMap(Int.init).flatMap { tops.contains($0) ? $0 : nil } ?? 50
        view.values["boards"] = Board.allCases.map {
            ["value": $0.rawValue, "label": request.t("board_\($0.rawValue)"), "selected": $0.rawValue == board]
        }
        view.values["tops"] = tops.map { ["value": $0, "selected": $0 == top] }
        do {
            let rows = try await request.services.store.query(
                SQLStatement(
                    "SELECT DISTINCT industry FROM stock_basic WHERE industry IS NOT NULL AND industry <> '' ORDER BY industry"
                ))
            view.values["industries"] = rows.compactMap { $0.first?.string }.map {
                ["name": $0, "selected": $0 == industry]
            }
        } catch {
            view.problem(request.storeProblem(error, "rankings page"), status: 503)
        }
        return view
    }
}
