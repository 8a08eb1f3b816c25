/// The request body Tushare Pro expects: `POST {base}/{api_name}` with
/// `{"api_name": …, "token": …, "params": {…}, "fields": "a,b,c"}`.
public struct TushareRequest: Sendable, Equatable, Codable {
    public var apiName: String
    public var token: String
    public var params: [String: String]
    /// Comma-separated field list; empty asks for the API's default fields.
    public var fields: String

    public init(apiName: String, token: String, params: [String: String], fields: [String]) {
        self.apiName = apiName
        self.token = token
        self.params = params
        self.fields = fields.joined(separator: ",")
    }

    enum CodingKeys: String, CodingKey {
        case apiName = "api_name"
        case token, params, fields
    }
}

/// Tushare's reply: `code` 0 with `data.fields` and `data.items`, or an error `code` and `msg`.
public struct TushareResponse: Sendable, Equatable, Codable {
    public struct Table: Sendable, Equatable, Codable {
        public var fields: [String]
        public var items: [[TushareValue]]
        public var hasMore: Bool?

        public init(fields: [String], items: [[TushareValue]], hasMore: Bool? = nil) {
            self.fields = fields
            self.items = items
            self.hasMore = hasMore
        }

        enum CodingKeys: String, CodingKey {
            case fields, items
            case hasMore = "has_more"
        }
    }

    public var code: Int
    public var msg: String?
    public var data: Table?
    public var requestID: String?

    public init(code: Int, msg: String?, data: Table?, requestID: String? = nil) {
        self.code = code
        self.msg = msg
        self.data = data
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case code, msg, data
        case requestID = "request_id"
    }
}
