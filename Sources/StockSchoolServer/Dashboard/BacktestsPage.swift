/// `/backtests` (the runs and a form to start one) and `/backtests/{id}` (one run's NAV against
/// its benchmark, drawdown, metrics and orders), all fetched by the script.
enum BacktestsPage {
    static func view(_ request: DashboardRequest, id: String?) -> DashboardView {
        var view = DashboardView(page: .backtests, title: request.t("backtests"))
        if let id {
            guard let number = Int64(id), number > 0 else {
                view.problem("\(request.t("backtests")) '\(id)': \(request.t("noData"))", status: 404)
                return view
            }
            view.values["runID"] = number
            view.title = "#\(number) · \(request.t("backtests"))"
        }
        return view
    }
}
