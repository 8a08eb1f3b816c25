import StockSchoolRedis

/// Pings the shared cache (Redis, when `redis.url` is set) and reads its memory figures: the
/// manual's `redis-cli info memory | grep used_memory_human`.
public struct CacheProbe: Sendable {
    public struct Memory: Sendable, Equatable {
        public var usedBytes: Double
        /// `maxmemory`; 0 when unlimited.
        public var maxBytes: Double
        public var usedHuman: String?

        /// Used over max, in percent; `nil` when Redis has no memory limit.
        public var usedPercent: Double? { maxBytes > 0 ? (usedBytes / maxBytes * 100).rounded(toPlaces: 1) : nil }

        /// Reads `used_memory`, `maxmemory` and `used_memory_human` from an `INFO memory` reply.
        public static func parse(info: String) -> Memory? {
            var fields: [Substring: Substring] = [:]
            for line in info.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon]] = line[line.index(after: colon)...]
            }
            guard let used = fields["used_memory"].flatMap({ Double($0) }) else { return nil }
            return Memory(
                usedBytes: used, maxBytes: fields["maxmemory"].flatMap { Double($0) } ?? 0,
                usedHuman: fields["used_memory_human"].map(String.init))
        }
    }

    public struct Answer: Sendable {
        public var latency: Duration
        public var memory: Memory?
    }

    public let url: String
    public let timeout: Duration

    public init(url: String, timeout: Duration = .seconds(3)) {
        self.url = url
        self.timeout = timeout
    }

    public func probe() async throws -> Answer {
        var configuration = try RedisConfiguration(url: url)
        configuration.poolSize = 1
        configuration.connectTimeout = timeout
        configuration.commandTimeout = timeout
        let client = RedisClient(configuration: configuration)
        do {
            let latency = try await client.ping()
            let memory = try? await Memory.parse(info: client.info("memory"))
            await client.shutdown()
            return Answer(latency: latency, memory: memory)
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// The URL with its password masked, for messages.
    public var displayURL: String { RedisConfiguration.maskingPassword(in: url) }
}
