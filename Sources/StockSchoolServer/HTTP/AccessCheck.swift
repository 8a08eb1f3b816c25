import HTTPTypes

/// Whether a caller may use a route: 401 when a key is needed and none (or an unknown one) was
/// sent, 403 when the key's role is too low. The messages say what to send.
enum AccessCheck {
    static func authorize(_ access: APIAccess, principal: APIPrincipal?, requireKeyForReads: Bool) throws {
        switch access {
        case .open:
            return
        case .reader where !requireKeyForReads:
            return
        default:
            break
        }
        guard let principal else {
            let needed = access == .reader ? "an API key" : "an API key with role \(access.rawValue) or admin"
            throw APIError(
                .unauthorized, code: "unauthorized",
                message: "this route needs \(needed); send it as `Authorization: Bearer <key>`",
                details: ["required_role": access.rawValue],
                headers: [.wwwAuthenticate: "Bearer realm=\"stockschool\""])
        }
        guard principal.role >= access else {
            throw APIError(
                .forbidden, code: "forbidden",
                message:
                    "the key '\(principal.keyName)' has role \(principal.role.rawValue); this route needs \(access.rawValue) or above",
                details: ["required_role": access.rawValue, "role": principal.role.rawValue])
        }
    }
}
