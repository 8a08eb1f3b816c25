/// What went wrong talking to Tushare, classified by the reaction it needs (TUSHARE.md).
public enum TushareError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Code 40101: stop and tell the user to set the token.
    case badToken(message: String)
    /// Code 2002 or "没有接口访问权限": skip this dataset, go on with the rest.
    case noPermission(api: String, message: String)
    /// "每分钟最多访问…" / "每小时最多访问…" / "每天最多访问…": wait out the window, or stop for the day.
    case rateLimited(api: String, window: RateWindow, message: String)
    /// The token's IP whitelist does not include this machine: stop.
    case ipNotAllowed(message: String)
    /// Any other `code != 0`.
    case server(api: String, code: Int, message: String)
    /// Network errors, timeouts, HTTP 5xx, unreadable JSON: retried with backoff.
    case transport(api: String, reason: String)
    /// A well-formed reply whose content breaks the contract (fields, types, codes, dates).
    case malformedPayload(api: String, reason: String)
    /// Retries exhausted for a transient failure.
    case gaveUp(api: String, attempts: Int, lastError: String)

    public enum RateWindow: String, Sendable, Equatable {
        case minute, hour, day
    }

    /// Classifies a reply with `code != 0`.
    public static func classify(api: String, code: Int, message: String) -> TushareError {
        if code == 40101 || message.contains("token不对") {
            return .badToken(message: message)
        }
        // Rate-limit replies also mention "权限" (a link to the permissions page): check them first.
        if message.contains("每分钟最多访问") { return .rateLimited(api: api, window: .minute, message: message) }
        if message.contains("每小时最多访问") { return .rateLimited(api: api, window: .hour, message: message) }
        if message.contains("每天最多访问") { return .rateLimited(api: api, window: .day, message: message) }
        if code == 2002 || message.contains("没有接口访问权限") || message.contains("没有访问该接口的权限") {
            return .noPermission(api: api, message: message)
        }
        if message.contains("IP") && (message.contains("白名单") || message.contains("授权") || message.contains("绑定")) {
            return .ipNotAllowed(message: message)
        }
        return .server(api: api, code: code, message: message)
    }

    /// Worth another attempt after a pause.
    public var isTransient: Bool {
        switch self {
        case .transport: true
        case .rateLimited(_, let window, _): window != .day
        default: false
        }
    }

    public var description: String {
        switch self {
        case .badToken(let message):
            "Tushare rejected the token (\(message)); set TUSHARE_TOKEN (or tushare.token in stockschool.yaml) to the token shown on your tushare.pro account page"
        case .noPermission(let api, let message):
            "no permission for Tushare API '\(api)' (\(message)); this dataset is skipped — it needs a higher points tier"
        case .rateLimited(let api, let window, let message):
            "Tushare rate limit for '\(api)' (per \(window.rawValue)): \(message)"
        case .ipNotAllowed(let message):
            "Tushare refused this machine's IP address (\(message)); add it to the token's authorised IPs"
        case .server(let api, let code, let message):
            "Tushare API '\(api)' failed with code \(code): \(message)"
        case .transport(let api, let reason):
            "cannot reach Tushare for '\(api)': \(reason)"
        case .malformedPayload(let api, let reason):
            "Tushare API '\(api)' returned data StockSchool cannot trust: \(reason); nothing from this call was written"
        case .gaveUp(let api, let attempts, let lastError):
            "gave up on Tushare API '\(api)' after \(attempts) attempts: \(lastError)"
        }
    }
}
