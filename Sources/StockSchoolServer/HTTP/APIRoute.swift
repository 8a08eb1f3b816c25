import Hummingbird

/// One route of the API, described once: the router registers it, the OpenAPI document lists it,
/// the query reader checks its parameters and the access check reads its role — so the four can
/// never disagree.
public struct APIRoute: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    /// How long a successful response may be served from the cache; `nil` = never cached.
    public enum CacheClass: Sendable {
        /// Bars, cross-sections, series (`cache.data_ttl`, 300 s by default).
        case data
        /// Catalogs and lists (`cache.list_ttl`, 600 s by default).
        case list
    }

    public var method: Method
    /// OpenAPI style: `/api/v1/stocks/{ts_code}`.
    public var path: String
    public var summary: String
    public var tag: String
    public var access: APIAccess
    public var parameters: [RouteParameter]
    public var cache: CacheClass?
    /// The request body's schema in the OpenAPI document, for POST routes.
    public var body: RouteBody?
    /// The success status (200, or 202 for work started in the background).
    public var successStatus: Int
    var handler: @Sendable (RouteCall) async throws -> Reply

    init(
        _ method: Method, _ path: String, summary: String, tag: String, access: APIAccess = .reader,
        parameters: [RouteParameter] = [], cache: CacheClass? = nil, body: RouteBody? = nil, successStatus: Int = 200,
        handler: @escaping @Sendable (RouteCall) async throws -> Reply
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.access = access
        self.parameters = parameters
        self.cache = cache
        self.body = body
        self.successStatus = successStatus
        self.handler = handler
    }

    var queryNames: Set<String> { Set(parameters.filter { $0.location == .query }.map(\.name)) }
}

/// A path or query parameter of a route, for validation messages and the OpenAPI document.
public struct RouteParameter: Sendable {
    public enum Location: String, Sendable {
        case path, query
    }

    public enum Kind: Sendable {
        case string
        case date
        case tsCode
        case integer(ClosedRange<Int>)
        case choice([String])
    }

    public var name: String
    public var location: Location
    public var kind: Kind
    public var required: Bool
    public var about: String

    static func path(_ name: String, _ kind: Kind, _ about: String) -> RouteParameter {
        RouteParameter(name: name, location: .path, kind: kind, required: true, about: about)
    }

    static func query(_ name: String, _ kind: Kind, _ about: String, required: Bool = false) -> RouteParameter {
        RouteParameter(name: name, location: .query, kind: kind, required: required, about: about)
    }

    static let page = query("page", .integer(1...1_000_000), "Page number, from 1.")
    static func pageSize(default size: Int) -> RouteParameter {
        query("page_size", .integer(1...Page.maximumSize), "Items per page (default \(size), at most 1000).")
    }
    static let startDate = query("start_date", .date, "First trade date, YYYYMMDD.")
    static let endDate = query("end_date", .date, "Last trade date, YYYYMMDD.")
}

/// A POST route's JSON body: its OpenAPI schema (a JSON object, as text) and an example.
public struct RouteBody: Sendable {
    public var schema: String
}
