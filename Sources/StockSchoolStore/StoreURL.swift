import Foundation
import StockSchoolCore

/// Where the store lives, parsed from `sqlite:///path` or `postgres://user:pass@host:port/db`.
public enum StoreURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public struct PostgresLocation: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        /// `sslmode=require` asks for TLS; the default (`disable`/`prefer`) connects in clear text,
        /// as on a loopback or private network.
        public var requireTLS: Bool
    }

    public init(_ text: String) throws(StockSchoolError) {
        if text.hasPrefix("sqlite://") {
            // sqlite:///abs/path → /abs/path; sqlite:///./rel → ./rel; sqlite://rel → rel
            var path = String(text.dropFirst("sqlite://".count))
            if path.hasPrefix("/./") || path.hasPrefix("/../") { path.removeFirst() }
            guard !path.isEmpty, path != "/" else {
                throw .invalidStoreURL(text, reason: "no file path after sqlite://")
            }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw .invalidStoreURL(text, reason: "unknown scheme")
        }
        guard let components = URLComponents(string: text) else {
            throw .invalidStoreURL(Self.masked(text), reason: "not a valid URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidStoreURL(Self.masked(text), reason: "no host")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw .invalidStoreURL(Self.masked(text), reason: "no database name after the host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidStoreURL(Self.masked(text), reason: "no user name")
        }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require"].contains(sslmode) else {
            throw .invalidStoreURL(Self.masked(text), reason: "sslmode '\(sslmode)' is not disable, prefer or require")
        }
        self = .postgres(
            PostgresLocation(
                host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database,
                requireTLS: sslmode == "require"))
    }

    /// The URL with its password replaced by `***`, safe to print and log.
    public static func masked(_ text: String) -> String {
        SensitiveDataMasking.maskURLPasswords(text)
    }
}

/// Opens the store named by `url`: SQLite for `sqlite://`, PostgreSQL for `postgres://`.
public func openStore(url: String) async throws -> any MarketStore {
    switch try StoreURL(url) {
    case .sqlite(let path):
        return try SQLiteStore(path: path)
    case .postgres(let location):
        return try await PostgresStore.connect(location, displayURL: StoreURL.masked(url))
    }
}

extension StoreURL.PostgresLocation {
    /// `postgres://user:pass@host:port/<database>` for another database on the same server, with
    /// user and password percent-encoded.
    public func url(database: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let user = username.addingPercentEncoding(withAllowedCharacters: allowed) ?? username
        let secret = password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0) } ?? ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let name = database.addingPercentEncoding(withAllowedCharacters: allowed) ?? database
        return "postgres://\(user)\(secret)@\(hostPart):\(port)/\(name)\(requireTLS ? "?sslmode=require" : "")"
    }
}
