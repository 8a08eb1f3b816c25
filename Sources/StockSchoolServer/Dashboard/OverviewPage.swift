/// `/`: the manual's system overview. Everything on it changes by the second, so the script
/// fetches it (and refreshes it every 15 s); the server renders the frame only.
enum OverviewPage {
    static func view(_ request: DashboardRequest) -> DashboardView {
        DashboardView(page: .overview, title: request.t("overview"))
    }
}
