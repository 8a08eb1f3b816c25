import Hummingbird

/// The request context of every route: Hummingbird's core storage plus who is calling.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key's holder once authentication has run; `nil` for an anonymous request.
    public var principal: APIPrincipal?
    /// The peer's address, for per-IP rate limits and the audit log.
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are read by routes with their own, smaller limits (`ServerSettings.maximumBodyBytes`).
    public var maxUploadSize: Int { 1 << 20 }
}

/// An authenticated API key's holder.
public struct APIPrincipal: Sendable, Equatable {
    public var keyName: String
    public var role: APIAccess

    public init(keyName: String, role: APIAccess) {
        self.keyName = keyName
        self.role = role
    }
}
