import StockSchoolCore
import StockSchoolFactors

/// `/factors?name=…&horizon=…&quantiles=…`: the catalog (rendered here) and one factor's
/// evaluation (fetched by the script from `/api/v1/factors/{name}/evaluation`).
enum FactorsPage {
    static let horizons = [1, 5, 10, 20]

    static func view(_ request: DashboardRequest) -> DashboardView {
        var view = DashboardView(page: .factors, title: request.t("factors"))
        let catalog: FactorCatalog
        do {
            catalog = try FactorCatalog.load(request.services.configuration)
        } catch {
            view.problem("\(request.t("unavailable")): \(error)", status: 500)
            return view
        }
        let all = catalog.all
        view.values["catalog"] = all.map { ["name": $0.name, "set": $0.set, "formula": $0.formula] }
        view.values["catalogCount"] = all.count
        let chosen: FactorCatalog.Factor?
        if let wanted = request.value("name") {
            guard let named = catalog.factor(named: wanted) else {
                view.problem("\(request.t("factor")) '\(wanted)': \(request.t("noData"))", status: 404)
                return view
            }
            chosen = named
        } else {
            chosen = catalog.factor(named: "ROC5") ?? all.first
        }
        guard let chosen else { return view }
        let horizon = request.value("horizon").flatMap(Int.init).flatMap { horizons.contains($0) ? $0 : nil } ?? 5
        let quantiles = request.value("quantiles").flatMap(Int.init).map { min(20, max(2, $0)) } ?? 5
        view.title = "\(chosen.name) · \(request.t("factors"))"
        view.values["factor"] = [
            "name": chosen.name, "formula": chosen.formula, "about": chosen.about ?? "", "quantiles": quantiles,
            "choices": all.map { ["name": $0.name, "selected": $0.name == chosen.name] },
            "horizons": horizons.map { ["value": $0, "selected": $0 == horizon] },
        ]
        return view
    }
}
