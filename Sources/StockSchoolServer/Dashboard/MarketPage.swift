import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore

/// `/market?ts_code=…` (one stock: its name and listing rendered here, its chart, indicators and
/// scores fetched by the script) or `/market?q=…` (search results, for browsers without script).
/// Without either, the top of the latest ranking, or the first listed stock.
enum MarketPage {
    static func view(_ request: DashboardRequest) async -> DashboardView {
        var view = DashboardView(page: .market, title: request.t("market"))
        let store = request.services.store
        view.values["query"] = request.value("q") ?? ""
        do {
            var code: TSCode?
            if let text = request.value("ts_code") {
                guard let parsed = try? TSCode(text.uppercased()) else {
                    view.problem("\(request.t("noStock")): '\(text)' (600000.SH, 000001.SZ, …)", status: 400)
                    return view
                }
                code = parsed
            } else if let text = request.value("q") {
                let matches = try await search(store, text)
                if matches.count == 1, let only = matches.first?["ts_code"] as? String {
                    code = try? TSCode(only)
                } else {
                    view.values["matches"] = matches
                    view.values["hasMatches"] = !matches.isEmpty
                    if matches.isEmpty { view.problem("\(request.t("noMatch")): '\(text)'", status: 404) }
                    return view
                }
            } else {
                code = try await defaultStock(store)
            }
            guard let code else {
                view.problem(request.t("chooseStock"), status: 200)
                return view
            }
            guard let stock = try await basic(store, code) else {
                view.problem("\(request.t("noStock")): \(code)", status: 404)
                return view
            }
            view.values["stock"] = stock
            view.title = "\(stock["name"] as? String ?? code.description) \(code)"
        } catch {
            view.problem(request.storeProblem(error, "market page"), status: 503)
        }
        return view
    }

    static let basicColumns = [
        "ts_code", "name", "area", "industry", "market", "list_date", "list_status", "delist_date",
    ]

    static func basic(_ store: any MarketStore, _ code: TSCode) async throws -> [String: Any]? {
        let rows = try await store.query(
            SQLStatement(
                "SELECT \(basicColumns.joined(separator: ", ")) FROM stock_basic WHERE ts_code = ?",
                [.text(code.description)]))
        guard let row = rows.first else { return nil }
        var stock: [String: Any] = [:]
        for (i, name) in basicColumns.enumerated() {
            stock[name] = row[i].string ?? row[i].int.map { String($0) } ?? ""
        }
        stock["delisted"] = (stock["list_status"] as? String) == "D"
        return stock
    }

    static func search(_ store: any MarketStore, _ text: String) async throws -> [[String: Any]] {
        var filter = SQLFilter()
        MarketRoutes.addSearch(String(text.prefix(50)), to: &filter)
        let rows = try await store.query(
            SQLStatement(
                "SELECT ts_code, name, industry FROM stock_basic \(filter.clause) ORDER BY ts_code LIMIT 20",
                filter.binds))
        return rows.map { ["ts_code": $0[0].string ?? "", "name": $0[1].string ?? "", "industry": $0[2].string ?? ""] }
    }

    /// The best-ranked stock of the latest scores, else the first listed stock.
    static func defaultStock(_ store: any MarketStore) async throws -> TSCode? {
        if let date = try await store.latestScoreDate(name: "default"),
            let top = try await store.ranking(name: "default", date: date, limit: 1).first
        {
            return top.tsCode
        }
        let first = try await store.query(
            SQLStatement("SELECT ts_code FROM stock_basic WHERE list_status = 'L' ORDER BY ts_code LIMIT 1"))
        return first.first?.first?.string.flatMap { try? TSCode($0) }
    }
}
