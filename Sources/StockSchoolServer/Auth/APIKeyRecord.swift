import StockSchoolCore

/// One row of `api_keys` as people see it: never the hash, which stays in the store.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: APIAccess
    /// The secret's first characters (`ss_1a2b3c4d`), to tell keys apart.
    public var prefix: String
    public var createdAt: Timestamp
    public var lastUsedAt: Timestamp?
    public var revokedAt: Timestamp?

    public var isActive: Bool { revokedAt == nil }
}

/// A key just created: its record and the secret, which exists nowhere else and is shown once.
public struct CreatedAPIKey: Sendable {
    public var record: APIKeyRecord
    public var secret: String
}
