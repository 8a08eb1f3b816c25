/// Everything that can go wrong talking to Redis, each case carrying what a user needs to fix it:
/// the server's address, the server's own error text, which part of a URL is wrong.
///
/// Messages never contain a password or a command's arguments (which may hold credentials or
/// cached data); a command is named by its first word only.
public enum RedisError: Error, Sendable, Hashable {
    /// `STOCKSCHOOL_REDIS_URL` (or another configured URL) cannot be used; `url` has its password
    /// masked.
    case invalidURL(url: String, reason: String)
    /// No TCP connection to `address` (`host:port`): refused, unreachable, unknown host.
    case connectionFailed(address: String, reason: String)
    /// The TCP connection to `address` was not established within the connect timeout.
    case connectTimeout(address: String, timeout: Duration)
    /// `AUTH` was rejected: the URL's user or password does not match the server's.
    case authenticationFailed(address: String, message: String)
    /// The server answered `command` with an error reply (`-ERR …`, `-WRONGTYPE …`, `-NOAUTH …`).
    case server(address: String, command: String, message: String)
    /// No reply to `command` within the command timeout. The connection is closed, since the
    /// replies still owed on it can no longer be matched to their commands with confidence.
    case commandTimeout(address: String, command: String, timeout: Duration)
    /// The connection closed (the server went away, or a timeout or protocol error closed it)
    /// before the reply arrived.
    case connectionClosed(address: String)
    /// The server sent bytes that are not RESP2; the connection is closed.
    case protocolViolation(String)
    /// The server sent a well-formed reply of a kind `command` never returns.
    case unexpectedReply(command: String, reply: String)
    /// The client was shut down; it accepts no more commands.
    case clientShutDown
}

extension RedisError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid Redis URL '\(url)': \(reason) (expected redis://[[user]:password@]host[:port][/db])"
        case .connectionFailed(let address, let reason):
            return "cannot connect to Redis at \(address): \(reason)"
        case .connectTimeout(let address, let timeout):
            return "cannot connect to Redis at \(address): no answer within \(Self.format(timeout))"
        case .authenticationFailed(let address, let message):
            return
                "Redis at \(address) rejected the credentials in the URL: \(message) — check the user and password in STOCKSCHOOL_REDIS_URL"
        case .server(let address, let command, let message):
            if message.hasPrefix("NOAUTH") {
                return
                    "Redis at \(address) requires a password (\(message)) — put it in the URL: redis://:password@\(address)"
            }
            return "Redis at \(address) refused \(command): \(message)"
        case .commandTimeout(let address, let command, let timeout):
            return "Redis at \(address) did not answer \(command) within \(Self.format(timeout))"
        case .connectionClosed(let address):
            return "the connection to Redis at \(address) closed before the reply arrived"
        case .protocolViolation(let reason):
            return "Redis protocol error: \(reason)"
        case .unexpectedReply(let command, let reply):
            return "unexpected Redis reply to \(command): \(reply)"
        case .clientShutDown:
            return "the Redis client has been shut down"
        }
    }

    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds < 1000 || milliseconds % 1000 != 0 ? "\(milliseconds) ms" : "\(seconds) s"
    }
}
