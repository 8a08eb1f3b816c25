import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StockSchoolCore

/// The browser dashboard: server-rendered pages under `/` and their two assets. Pages render
/// their frame and what the store answers quickly (the stock's name, the industries, the factor
/// catalog); the script then fills the charts and tables from the JSON API, so every number a
/// page shows is one the API serves.
enum DashboardRoutes {
    /// Route templates, for the router and the metrics' `route` label.
    static let pagePaths: [(String, DashboardPage)] = [
        ("/", .overview), ("/market", .market), ("/factors", .factors), ("/rankings", .rankings),
        ("/backtests", .backtests), ("/backtests/{id}", .backtests),
    ]

    static func register(on router: Router<APIRequestContext>, services: APIServices) {
        for (path, page) in pagePaths {
            router.get(RouterPath(path)) { request, context in
                try await respond(page, request, context, services)
            }
        }
        for asset in DashboardAsset.all {
            router.get(RouterPath("/assets/\(asset.name)")) { request, _ in serve(asset, request) }
        }
    }

    static func respond(
        _ page: DashboardPage, _ request: Request, _ context: APIRequestContext, _ services: APIServices
    ) async throws -> Response {
        let dashboard = DashboardRequest(request, context: context, services: services)
        let view: DashboardView
        switch page {
        case .overview: view = OverviewPage.view(dashboard)
        case .market: view = await MarketPage.view(dashboard)
        case .factors: view = FactorsPage.view(dashboard)
        case .rankings: view = await RankingsPage.view(dashboard)
        case .backtests: view = BacktestsPage.view(dashboard, id: context.parameters.get("id"))
        }
        let renderer: DashboardRenderer
        switch DashboardRenderer.shared {
        case .success(let shared): renderer = shared
        case .failure(let error): throw APIError(.internalServerError, code: "internal", message: "\(error)")
        }
        var values = layout(view, dashboard, request)
        values.merge(view.values) { _, page in page }
        let html: String
        do {
            html = try renderer.render(page.rawValue, values)
        } catch {
            throw APIError(.internalServerError, code: "internal", message: "\(error)")
        }
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept-Language, Cookie"
        if let chosen = dashboard.query["lang"], DashboardLanguage(rawValue: chosen) != nil {
            headers[.setCookie] = "lang=\(dashboard.language.rawValue); Path=/; Max-Age=31536000; SameSite=Lax"
        }
        return Response(
            status: HTTPResponse.Status(code: view.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Scripts only from this server, no frames, no sniffing: the escaping is the first line
    /// of defence, this the second.
    static let securityHeaders: HTTPFields = {
        var headers = HTTPFields()
        if let csp = HTTPField.Name("Content-Security-Policy") {
            headers[csp] =
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        }
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { headers[nosniff] = "nosniff" }
        if let referrer = HTTPField.Name("Referrer-Policy") { headers[referrer] = "same-origin" }
        return headers
    }()

    /// The values every page's header and footer use.
    static func layout(_ view: DashboardView, _ dashboard: DashboardRequest, _ request: Request) -> [String: Any] {
        let language = dashboard.language
        // The toggle keeps the page and its query, switching only `lang`.
        var query = dashboard.query
        query["lang"] = language.other.rawValue
        let path = request.uri.path
        let otherHref =
            path + "?"
            + query.sorted { $0.key < $1.key }.map { "\(percentEncoded($0.key))=\(percentEncoded($0.value))" }
            .joined(separator: "&")
        return [
            "page": view.page.rawValue,
            "title": view.title,
            "lang": language.rawValue,
            "htmlLang": language.htmlLang,
            "otherLanguage": language.other.rawValue,
            "otherLanguageLabel": language.other.name,
            "otherLanguageHref": otherHref,
            "t": dashboard.strings,
            "nav": DashboardPage.allCases.map { page -> [String: Any] in
                ["href": page.path, "label": dashboard.t(page.rawValue), "current": page == view.page]
            },
            "assetVersion": DashboardAsset.combinedVersion,
            "version": StockSchoolVersion.current,
            "scriptStrings": DashboardRenderer.scriptStrings(language),
        ]
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? text
    }

    static func serve(_ asset: DashboardAsset, _ request: Request) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(asset.version)\""
        headers[.cacheControl] = "public, max-age=86400"
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { headers[nosniff] = "nosniff" }
        if let match = request.headers[.ifNoneMatch], match.contains(asset.version) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

extension CharacterSet {
    /// Unreserved characters (RFC 3986): everything else in a query value is percent-encoded.
    static let urlQueryValueAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
