import Hummingbird
import Logging
import StockSchoolCore

/// One page request: its language, its query (lenient: a page ignores parameters it does not
/// use, as a browser's address bar expects), and the services.
struct DashboardRequest: Sendable {
    let services: APIServices
    let language: DashboardLanguage
    let strings: [String: String]
    let query: [String: String]
    let logger: Logger

    init(_ request: Request, context: APIRequestContext, services: APIServices) {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value)
        }
        self.services = services
        self.query = query
        self.language = DashboardLanguage.negotiate(
            query: query["lang"], cookie: DashboardLanguage.cookie(in: request.headers[.cookie]),
            acceptLanguage: request.headers[.acceptLanguage])
        self.strings = DashboardStrings.table(language)
        self.logger = context.logger
    }

    func t(_ key: String) -> String { strings[key] ?? key }

    /// A query value, trimmed; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// The message a page shows when the store failed it; the error itself goes to the log
    /// (it may name the server), the page points at the health check.
    func storeProblem(_ error: any Error, _ part: String) -> String {
        logger.warning("dashboard: \(part) failed", metadata: ["error": "\(error)"])
        return "\(t("unavailable")): \(t("databaseUnavailable")) (/api/health)"
    }
}
