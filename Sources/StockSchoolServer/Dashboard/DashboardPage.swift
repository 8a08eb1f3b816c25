/// The dashboard's pages, in navigation order.
enum DashboardPage: String, Sendable, CaseIterable {
    case overview, market, factors, rankings, backtests

    /// Where the page lives; the overview is the site's root.
    var path: String { self == .overview ? "/" : "/\(rawValue)" }
}

/// What a page handler hands the renderer: the template's values, the HTTP status (a page
/// whose server-side part failed still renders, with its message, under a 4xx or 503), and the
/// page title.
struct DashboardView {
    var page: DashboardPage
    var title: String
    var values: [String: Any] = [:]
    var status: Int = 200

    /// Shows `message` in the page's error box and answers with `status`.
    mutating func problem(_ message: String, status: Int) {
        values["problem"] = message
        self.status = status
    }
}
