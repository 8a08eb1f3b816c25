import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StockSchoolRedis

/// The cache shared by every API replica, in Redis: keys under a prefix (`stockschool:` unless
/// told otherwise), values stored with `SET … PX`, so Redis expires them itself.
///
/// Redis being down or slow must not slow the API down with it. Every operation is bounded by a
/// short timeout (100 ms by default, connecting included), and the first failure starts an
/// *outage*: `outages` counts it, one warning is logged, and for the retry interval (1 s) every
/// operation returns at once as a miss or no-op without touching the network — a dead server is
/// not hammered with connection attempts, and requests do not each wait out a timeout. After the
/// interval one operation probes (reconnecting on the way); when it succeeds, "cache
/// reconnected" is logged and the cache is back; when it fails, the next probe waits another
/// interval.
public final class RedisCache: ResponseCache {
    public struct Options: Sendable, Hashable {
        /// Prepended to every key; `removeAll` deletes exactly the keys under it.
        public var keyPrefix: String
        /// Bound on each connect and each command; a request never waits longer for the cache
        /// than a few of these.
        public var timeout: Duration
        /// How long after a failure the cache leaves Redis alone before trying again.
        public var retryInterval: Duration
        /// Connections to keep open.
        public var poolSize: Int

        public init(
            keyPrefix: String = "stockschool:", timeout: Duration = .milliseconds(100),
            retryInterval: Duration = .seconds(1), poolSize: Int = 4
        ) {
            self.keyPrefix = keyPrefix
            self.timeout = timeout
            self.retryInterval = retryInterval
            self.poolSize = poolSize
        }
    }

    /// How long `removeAll` gives each `SCAN` and `UNLINK` step: it runs on cache flushes, not in
    /// the request path, and a large keyspace takes longer than the per-request timeout.
    static let maintenanceTimeout: Duration = .seconds(10)

    private enum Health {
        case up
        /// Failing; nothing is sent before `retryAt`.
        case down(retryAt: ContinuousClock.Instant)
        /// One operation is testing whether the server is back; the others still skip.
        case probing
    }

    /// Whether an operation may go to the server, and whether it is the probe ending an outage.
    private enum Admission {
        case skip
        case normal
        case probe
    }

    private struct State {
        var health = Health.up
        var statistics = CacheStatistics(backend: "redis")
    }

    public let options: Options
    public let client: RedisClient
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let clock = ContinuousClock()

    /// A cache on the server `configuration` names; its pool size and timeouts are replaced by
    /// those of `options`. Nothing connects until the first operation.
    public init(
        configuration: RedisConfiguration, options: Options = Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "stockschool.cache")
    ) {
        var configuration = configuration
        configuration.poolSize = options.poolSize
        configuration.connectTimeout = options.timeout
        configuration.commandTimeout = options.timeout
        self.options = options
        self.client = RedisClient(configuration: configuration, eventLoopGroup: eventLoopGroup)
        self.logger = logger
    }

    public func get(_ key: String) async -> ByteBuffer? {
        let fullKey = options.keyPrefix + key
        guard let found = await perform({ try await $0.get(fullKey) }) else { return nil }
        state.withLockedValue { state in
            if found == nil { state.statistics.misses += 1 } else { state.statistics.hits += 1 }
        }
        return found.map { ByteBuffer(bytes: $0) }
    }

    public func set(_ key: String, _ value: ByteBuffer, ttl: Duration) async {
        let fullKey = options.keyPrefix + key
        let bytes = Array(buffer: value)
        _ = await perform { try await $0.set(fullKey, bytes, expiry: ttl) }
    }

    /// Deletes the keys under the prefix, walking the keyspace with `SCAN` (which, unlike `KEYS`,
    /// does not block the server) and freeing values with `UNLINK` in the background.
    public func removeAll() async {
        let pattern = Self.globEscaped(options.keyPrefix) + "*"
        _ = await perform { client in
            var cursor: UInt64 = 0
            repeat {
                let reply = try await client.send(
                    ["SCAN", cursor, "MATCH", pattern, "COUNT", 1000], timeout: Self.maintenanceTimeout)
                guard let parts = reply.array, parts.count == 2,
                    let next = parts[0].string.flatMap({ UInt64($0) }), let keys = parts[1].array
                else {
                    throw RedisError.unexpectedReply(command: "SCAN", reply: "\(reply)")
                }
                let names = keys.compactMap(\.bytes)
                if !names.isEmpty {
                    _ = try await client.send(["UNLINK"] + names, timeout: Self.maintenanceTimeout)
                }
                cursor = next
            } while cursor != 0
        }
    }

    public var statistics: CacheStatistics {
        state.withLockedValue { $0.statistics }
    }

    /// Pings the server whatever the outage state, so the health endpoint reports what is true
    /// now rather than what the back-off remembers.
    public func ping() async throws -> Duration {
        try await client.ping()
    }

    /// Closes the connections. The cache answers misses afterwards.
    public func shutdown() async {
        await client.shutdown()
    }

    /// Runs `operation` unless an outage says to skip it; `nil` when skipped or failed, after
    /// recording the failure and, at the start of an outage, warning once.
    private func perform<T: Sendable>(_ operation: (RedisClient) async throws -> T) async -> T? {
        let now = clock.now
        let admission = state.withLockedValue { state -> Admission in
            switch state.health {
            case .up:
                return .normal
            case .down(let retryAt) where now >= retryAt:
                state.health = .probing
                return .probe
            case .down, .probing:
                state.statistics.errors += 1
                return .skip
            }
        }
        if case .skip = admission { return nil }
        do {
            let result = try await operation(client)
            if case .probe = admission {
                state.withLockedValue { $0.health = .up }
                logger.info("cache reconnected", metadata: ["redis": "\(client.configuration.address)"])
            }
            return result
        } catch {
            let retryAt = clock.now.advanced(by: options.retryInterval)
            let outageBegins = state.withLockedValue { state -> Bool in
                state.statistics.errors += 1
                switch (admission, state.health) {
                case (.probe, _):
                    state.health = .down(retryAt: retryAt)
                    return false
                case (_, .up):
                    state.statistics.outages += 1
                    state.health = .down(retryAt: retryAt)
                    return true
                default:
                    return false
                }
            }
            if outageBegins {
                logger.warning(
                    "cache unavailable; serving without it and retrying every \(RedisError.format(options.retryInterval))",
                    metadata: ["redis": "\(client.configuration.address)", "error": "\(error)"])
            }
            return nil
        }
    }

    /// `text` with Redis glob metacharacters escaped, so a prefix matches only itself.
    static func globEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\^".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
