import StockSchoolCore
import StockSchoolStore

/// Creates, lists, revokes and looks up API keys in `api_keys`. The CLI (`stockschool apikey`)
/// and the server share it, so both agree on how a secret is hashed and what a name may be.
public struct APIKeyStore: Sendable {
    let store: any MarketStore

    public init(_ store: any MarketStore) {
        self.store = store
    }

    /// The roles a key can have: `open` is what needs no key, so no key has it.
    public static let roles: [APIAccess] = [.reader, .analyst, .admin]

    /// Creates a key and returns its secret, which is not stored and cannot be shown again.
    /// Names are unique among active keys, so logs and the audit trail name one key; a revoked
    /// key's name may be reused (rotation: create the new key, switch, revoke the old one — under
    /// another name, or under the same name once the old one is revoked).
    public func create(name: String, role: APIAccess, at time: Timestamp = .now) async throws -> CreatedAPIKey {
        try Self.validate(name: name)
        guard Self.roles.contains(role) else {
            throw StockSchoolError.invalidArgument(
                name: "--role", reason: "expected one of reader, analyst, admin, got '\(role.rawValue)'")
        }
        let secret = APIKeySecret.generate()
        // The existence check and the insert are one statement, so two concurrent creates cannot
        // both see the name free in SQLite; in PostgreSQL the window is one statement wide.
        let rows = try await store.query(
            SQLStatement(
                """
                INSERT INTO api_keys (name, role, key_hash, prefix, created_at) \
                SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS \
                (SELECT 1 FROM api_keys WHERE name = ? AND revoked_at IS NULL) RETURNING id
                """,
                [
                    .text(name), .text(role.rawValue), .text(secret.hash), .text(secret.prefix),
                    store.timestampValue(time), .text(name),
                ]))
        guard let id = rows.first?.first?.int else {
            throw StockSchoolError.invalidArgument(
                name: "--name",
                reason:
                    "an active key named '\(name)' exists; choose another name or revoke it first (`stockschool apikey revoke \(name)`)"
            )
        }
        let record = APIKeyRecord(
            id: id, name: name, role: role, prefix: secret.prefix, createdAt: time, lastUsedAt: nil, revokedAt: nil)
        return CreatedAPIKey(record: record, secret: secret.text)
    }

    /// Every key, active and revoked, oldest first.
    public func list() async throws -> [APIKeyRecord] {
        try await records(where: "ORDER BY id", [])
    }

    /// Revokes the active key named `name`; requests with it get 401 within the server's key
    /// cache lifetime (seconds).
    @discardableResult
    public func revoke(name: String, at time: Timestamp = .now) async throws -> APIKeyRecord {
        let rows = try await store.query(
            SQLStatement(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING id",
                [store.timestampValue(time), .text(name)]))
        guard let id = rows.first?.first?.int,
            let record = try await records(where: "WHERE id = ?", [.integer(id)]).first
        else {
            throw StockSchoolError.invalidArgument(
                name: "name", reason: "no active key named '\(name)'; `stockschool apikey list` shows the keys")
        }
        return record
    }

    /// The key whose secret hashes to `hash`, active or revoked; `nil` when there is none.
    func lookup(hash: String) async throws -> APIKeyRecord? {
        let found = try await records(where: "WHERE key_hash = ? ORDER BY id", [.text(hash)])
        return found.first(where: \.isActive) ?? found.last
    }

    /// Records that the key was used; the server calls it at most once a minute per key.
    func touch(id: Int64, at time: Timestamp = .now) async throws {
        try await store.query(
            SQLStatement(
                "UPDATE api_keys SET last_used_at = ? WHERE id = ?", [store.timestampValue(time), .integer(id)]))
    }

    private func records(where tail: String, _ binds: [SQLValue]) async throws -> [APIKeyRecord] {
        let columns = [
            "id", "name", "role", "prefix", store.timestampText("created_at"), store.timestampText("last_used_at"),
            store.timestampText("revoked_at"),
        ].joined(separator: ", ")
        return try await store.query(SQLStatement("SELECT \(columns) FROM api_keys \(tail)", binds)).compactMap { row in
            guard row.count == 7, let id = row[0].int, let name = row[1].string,
                let role = row[2].string.flatMap(APIAccess.init(rawValue:)), let prefix = row[3].string,
                let created = row[4].string.flatMap(Timestamp.init(iso8601:))
            else { return nil }
            return APIKeyRecord(
                id: id, name: name, role: role, prefix: prefix, createdAt: created,
                lastUsedAt: row[5].string.flatMap(Timestamp.init(iso8601:)),
                revokedAt: row[6].string.flatMap(Timestamp.init(iso8601:)))
        }
    }

    /// Names appear in logs, the audit trail and shell commands: letters, digits, `.`, `_`, `-`.
    static func validate(name: String) throws {
        let punctuation = Set("._-".unicodeScalars)
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || punctuation.contains($0)
        }
        guard !name.isEmpty, name.count <= 64, allowed else {
            throw StockSchoolError.invalidArgument(
                name: "--name", reason: "'\(name)' is not a key name: use 1–64 letters, digits, '.', '_' or '-'")
        }
    }
}
