import Foundation

/// Where a Redis server is and how to talk to it: read from `STOCKSCHOOL_REDIS_URL`
/// (`redis://[[user]:password@]host[:port][/db]`) plus the pool and timeout settings that have no
/// place in a URL.
///
/// A connection sends `AUTH` when the URL names a password (`AUTH user password` with a user,
/// `AUTH password` without, the form servers older than 6.0 know), then `SELECT db` when the
/// database is not 0, before any command of the caller.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// An ACL user (Redis 6+); `nil` authenticates as the default user.
    public var username: String?
    public var password: String?
    /// The logical database `SELECT`ed on connect.
    public var database: Int
    /// Connections the client keeps open. Commands are pipelined, so each connection carries many
    /// requests at once; more connections only spread the encoding and decoding over threads.
    public var poolSize: Int = 4
    /// How long a TCP connect may take before the attempt fails.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a reply may take, per command (every command of a pipeline has its own deadline,
    /// counted from when the pipeline is written).
    public var commandTimeout: Duration = .seconds(5)

    public static let defaultPort = 6379

    public init(
        host: String = "127.0.0.1", port: Int = RedisConfiguration.defaultPort, username: String? = nil,
        password: String? = nil, database: Int = 0
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// `host:port` as it appears in error messages (`[::1]:6379` for IPv6).
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`. User and password may be
    /// percent-encoded (a password containing `@`, `:` or `/` must be). Throws
    /// `RedisError.invalidURL` naming the part that is wrong, with the password masked.
    public init(url: String) throws {
        func invalid(_ reason: String) -> RedisError {
            .invalidURL(url: Self.maskingPassword(in: url), reason: reason)
        }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("it has no scheme; it must start with redis://")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else {
            throw invalid(
                scheme == "rediss"
                    ? "TLS (rediss://) is not supported; use redis:// on a private network or through a TLS tunnel"
                    : "the scheme is '\(scheme)', not redis")
        }
        var rest = url[schemeEnd.upperBound...]
        if let extra = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw invalid("query parameters and fragments are not supported ('\(rest[extra...])')")
        }
        let path = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
        rest = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]

        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userinfo.firstIndex(of: ":") else {
                throw invalid(
                    "the credentials before '@' need a ':' — write redis://:password@host for a password alone or redis://user:password@host"
                )
            }
            let user = String(userinfo[..<colon])
            let secret = String(userinfo[userinfo.index(after: colon)...])
            guard let decodedUser = user.removingPercentEncoding else {
                throw invalid("the user name has an invalid percent escape")
            }
            guard let decodedPassword = secret.removingPercentEncoding else {
                throw invalid("the password has an invalid percent escape")
            }
            guard !decodedPassword.isEmpty else { throw invalid("the password after ':' is empty") }
            username = decodedUser.isEmpty ? nil : decodedUser
            password = decodedPassword
        }

        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw invalid("the IPv6 address has no closing ']'")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected '\(after)' after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else {
            let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            if parts.count == 2 {
                portText = parts[1]
                if parts[1].contains(":") {
                    throw invalid("an IPv6 host must be written in brackets: redis://[::1]:6379")
                }
            }
        }
        guard !host.isEmpty else { throw invalid("it names no host") }
        var port = Self.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw invalid("the port '\(portText)' is not a number between 1 and 65535")
            }
            port = number
        }
        var database = 0
        let databaseText = path.dropFirst()
        if !databaseText.isEmpty {
            guard databaseText.allSatisfy(\.isASCII), let number = Int(databaseText), number >= 0,
                number <= Int(Int32.max)
            else {
                throw invalid("the database '/\(databaseText)' is not a non-negative number")
            }
            database = number
        }
        self.init(
            host: String(host), port: port, username: username, password: password, database: database)
    }

    /// `url` with the password replaced by `***`, for logs and error messages.
    public static func maskingPassword(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
        let authority = url[schemeEnd.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        // Without a ':' the whole userinfo may be a password written the wrong way: hide it all.
        guard let colon = authority[..<at].firstIndex(of: ":") else {
            return String(url[..<authority.startIndex]) + "***" + String(url[at...])
        }
        return String(url[..<authority.index(after: colon)]) + "***" + String(url[at...])
    }
}
