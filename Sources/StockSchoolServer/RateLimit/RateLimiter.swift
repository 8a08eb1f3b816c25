import NIOCore
import StockSchoolCore
import Synchronization

/// Token buckets, one per caller (a key's name, or a client address for anonymous requests),
/// behind one lock: a request costs a dictionary lookup and a little arithmetic, no actor hop and
/// no database, which keeps the cached hot path at tens of thousands of requests per second.
///
/// Memory stays bounded: a bucket that has refilled completely is the same as a new one, so such
/// buckets are swept away every few seconds; past `maximumBuckets` the sweep runs at once, and if
/// that frees nothing every bucket is dropped (limits briefly loosen rather than memory grows).
final class RateLimiter: Sendable {
    /// Who a bucket belongs to.
    enum Caller: Hashable, Sendable {
        case key(String)
        case address(String)
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
        /// When the bucket will be full again if left alone: after that it may be forgotten.
        var full: UInt64
    }

    private struct State {
        var buckets: [Caller: Bucket] = [:]
        var lastSweep: UInt64 = 0
    }

    /// Monotonic nanoseconds.
    typealias Clock = @Sendable () -> UInt64

    /// The process's monotonic clock.
    static let uptime: Clock = { NIODeadline.now().uptimeNanoseconds }

    private let state = Mutex(State())
    let maximumBuckets: Int
    /// Nanoseconds between sweeps of refilled buckets.
    let sweepInterval: UInt64
    /// Where `admit(_:limit:)` reads the time; a test drives it by hand so refills happen only
    /// when it says, however slowly a loaded machine serves the requests.
    let clock: Clock

    init(maximumBuckets: Int = 100_000, sweepInterval: Duration = .seconds(10), clock: @escaping Clock = uptime) {
        self.maximumBuckets = maximumBuckets
        self.sweepInterval = UInt64(sweepInterval.components.seconds) * 1_000_000_000
        self.clock = clock
    }

    /// Takes one token from `caller`'s bucket at the clock's time.
    func admit(_ caller: Caller, limit: APIRateLimit) -> Int? {
        admit(caller, limit: limit, now: clock())
    }

    /// Takes one token from `caller`'s bucket. Returns `nil` when the request may go on, or the
    /// whole seconds (at least 1) until a token will be there.
    func admit(_ caller: Caller, limit: APIRateLimit, now: UInt64) -> Int? {
        guard limit.requestsPerSecond > 0 else { return nil }
        let rate = Double(limit.requestsPerSecond)
        let burst = Double(max(limit.burst, 1))
        return state.withLock { state in
            if now &- state.lastSweep > sweepInterval {
                sweep(&state, now: now)
            }
            var bucket: Bucket
            if let existing = state.buckets[caller] {
                bucket = existing
                let elapsed = Double(now &- bucket.updated) / 1e9
                bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            } else {
                if state.buckets.count >= maximumBuckets {
                    sweep(&state, now: now)
                    if state.buckets.count >= maximumBuckets { state.buckets.removeAll(keepingCapacity: true) }
                }
                bucket = Bucket(tokens: burst, updated: now, full: now)
            }
            bucket.updated = now
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            bucket.full = now + UInt64(((burst - bucket.tokens) / rate * 1e9).rounded(.up))
            state.buckets[caller] = bucket
            if admitted { return nil }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }

    /// How many buckets are held (tests, metrics).
    var count: Int { state.withLock { $0.buckets.count } }

    private func sweep(_ state: inout State, now: UInt64) {
        state.lastSweep = now
        state.buckets = state.buckets.filter { $0.value.full > now }
    }
}
