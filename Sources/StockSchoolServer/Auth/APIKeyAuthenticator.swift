import HTTPTypes
import Logging
import StockSchoolCore
import Synchronization

/// Turns an `Authorization` header into the key's holder, or a 401 that says what is wrong.
///
/// Lookups are cached in memory for `cacheLifetime` (5 s by default), answers "no such key"
/// included, so a hot client costs one hash and one dictionary read per request, not a database
/// round trip; a revoked key stops working within that lifetime. `last_used_at` is written at
/// most once per `touchInterval` per key, in the background, so the hot path never waits on it.
final class APIKeyAuthenticator: Sendable {
    private let keys: APIKeyStore
    private let cacheLifetime: Duration
    private let touchInterval: Duration
    private let logger: Logger
    private let cache = Mutex<[String: Entry]>([:])
    private let clock = ContinuousClock()

    /// Most cached hashes; past it expired entries go, then everything (a flood of random keys
    /// must not grow memory without bound).
    static let maximumEntries = 10_000

    private struct Entry {
        var record: APIKeyRecord?
        var fetched: ContinuousClock.Instant
        var touched: ContinuousClock.Instant?
    }

    init(keys: APIKeyStore, cacheLifetime: Duration, touchInterval: Duration, logger: Logger) {
        self.keys = keys
        self.cacheLifetime = cacheLifetime
        self.touchInterval = touchInterval
        self.logger = logger
    }

    /// The holder of the key in `headers`, `nil` when no `Authorization` header was sent.
    /// Throws a 401 `APIError` for a malformed header or an unknown or revoked key: a request
    /// that tried to authenticate and failed never continues as anonymous.
    func principal(for headers: HTTPFields) async throws -> APIPrincipal? {
        guard let header = headers[.authorization] else { return nil }
        let secret = try Self.secret(inHeader: header)
        let hash = secret.hash
        let now = clock.now
        let cached: Entry? = cache.withLock { entries in
            guard let entry = entries[hash], entry.fetched.duration(to: now) < cacheLifetime else { return nil }
            return entry
        }
        let record: APIKeyRecord?
        if let cached {
            record = cached.record
        } else {
            record = try await keys.lookup(hash: hash)
            store(Entry(record: record, fetched: now, touched: nil), for: hash, now: now)
        }
        guard let record else {
            throw Self.unauthorized("unknown API key \(secret.prefix)…; create one with `stockschool apikey create`")
        }
        guard record.isActive else {
            throw Self.unauthorized("the API key '\(record.name)' (\(record.prefix)…) was revoked")
        }
        touchIfDue(record, hash: hash, now: now)
        return APIPrincipal(keyName: record.name, role: record.role)
    }

    private func store(_ entry: Entry, for hash: String, now: ContinuousClock.Instant) {
        cache.withLock { entries in
            if entries.count >= Self.maximumEntries {
                entries = entries.filter { $0.value.fetched.duration(to: now) < cacheLifetime }
                if entries.count >= Self.maximumEntries { entries.removeAll(keepingCapacity: true) }
            }
            // Keep when the key was last touched across refreshes of the entry.
            var entry = entry
            entry.touched = entries[hash]?.touched
            entries[hash] = entry
        }
    }

    private func touchIfDue(_ record: APIKeyRecord, hash: String, now: ContinuousClock.Instant) {
        let due = cache.withLock { entries -> Bool in
            guard var entry = entries[hash] else { return false }
            if let touched = entry.touched, touched.duration(to: now) < touchInterval { return false }
            entry.touched = now
            entries[hash] = entry
            return true
        }
        guard due else { return }
        let keys = keys
        let logger = logger
        Task {
            do {
                try await keys.touch(id: record.id)
            } catch {
                logger.warning(
                    "cannot record the use of an API key", metadata: ["key": "\(record.name)", "error": "\(error)"])
            }
        }
    }

    /// The secret in `Bearer <secret>`; the scheme is case-insensitive (RFC 9110).
    static func secret(inHeader header: String) throws -> APIKeySecret {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw unauthorized("malformed Authorization header; send `Authorization: Bearer <key>`")
        }
        guard let secret = APIKeySecret(presented: parts[1].trimmingWhitespace()) else {
            throw unauthorized(
                "malformed API key; keys look like ss_ followed by 64 hex digits, as `stockschool apikey create` prints"
            )
        }
        return secret
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(
            .unauthorized, code: "unauthorized", message: message,
            headers: [.wwwAuthenticate: "Bearer realm=\"stockschool\", error=\"invalid_token\""])
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        return text
    }
}
