import NIOConcurrencyHelpers
import NIOCore

/// The cache of a single process: least-recently-used eviction with a TTL per entry, bounded by
/// entry count and by bytes, so a burst of large responses cannot grow the heap without limit.
///
/// One lock guards the whole structure; every operation is O(1) under it (a dictionary lookup
/// and a few index swaps), so contention stays short even with many request tasks. Expired
/// entries are dropped when next looked up, or evicted as least recently used — there is no
/// sweeper to run or stop.
public final class MemoryCache: ResponseCache {
    /// Bounds on what the cache holds; whichever is reached first evicts.
    public struct Limits: Sendable, Hashable {
        public var maximumEntries: Int
        /// Sum of key and value bytes (the payload; per-entry bookkeeping comes on top).
        public var maximumBytes: Int

        public init(maximumEntries: Int = 10_000, maximumBytes: Int = 256 * 1024 * 1024) {
            self.maximumEntries = maximumEntries
            self.maximumBytes = maximumBytes
        }
    }

    private struct State {
        var storage: LRUStorage
        var statistics = CacheStatistics(backend: "memory")
    }

    public let limits: Limits
    private let state: NIOLockedValueBox<State>
    private let clock = ContinuousClock()

    public init(limits: Limits = Limits()) {
        self.limits = limits
        let storageLimits = LRUStorage.Limits(
            maximumEntries: max(0, limits.maximumEntries), maximumBytes: max(0, limits.maximumBytes))
        self.state = NIOLockedValueBox(State(storage: LRUStorage(limits: storageLimits)))
    }

    public func get(_ key: String) async -> ByteBuffer? {
        let now = clock.now
        return state.withLockedValue { state in
            let value = state.storage.value(for: key, now: now)
            if value == nil { state.statistics.misses += 1 } else { state.statistics.hits += 1 }
            return value
        }
    }

    public func set(_ key: String, _ value: ByteBuffer, ttl: Duration) async {
        let expires = clock.now.advanced(by: ttl)
        state.withLockedValue { $0.storage.insert(value, for: key, expires: expires) }
    }

    public func removeAll() async {
        state.withLockedValue { $0.storage.removeAll() }
    }

    public var statistics: CacheStatistics {
        state.withLockedValue { $0.statistics }
    }

    /// Live entries (expired ones not yet dropped included).
    public var count: Int {
        state.withLockedValue { $0.storage.count }
    }

    /// Key and value bytes of the live entries.
    public var totalBytes: Int {
        state.withLockedValue { $0.storage.totalBytes }
    }

    /// Always reachable; the duration is the time to take the lock.
    public func ping() async throws -> Duration {
        let start = clock.now
        state.withLockedValue { _ in }
        return clock.now - start
    }
}
