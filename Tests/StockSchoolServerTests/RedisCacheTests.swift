import StockSchoolRedis
import StockSchoolServer
import StockSchoolTestSupport
import Testing

@Suite(.enabled(if: TestRedis.isEnabled)) struct RedisCacheTests {
    let prefix = TestRedis.uniquePrefix("cache")

    func makeCache(prefix: String) throws -> RedisCache {
        RedisCache(
            configuration: try RedisConfiguration(url: try TestRedis.url()),
            options: .init(keyPrefix: prefix, timeout: .seconds(10)))
    }

    @Test func missThenHitUnderThePrefixWithTTL() async throws {
        let cache = try makeCache(prefix: prefix)
        let raw = try RedisClient(url: try TestRedis.url())
        #expect(await cache.bytes("quote") == nil)
        let setAt = ContinuousClock.now
        await cache.set("quote", Array("10.5".utf8), ttl: .seconds(300))
        #expect(await cache.bytes("quote") == Array("10.5".utf8))

        // Stored under the prefix, expiring within the TTL.
        #expect(try await raw.get(prefix + "quote") == Array("10.5".utf8))
        let remaining = try await raw.send(["PTTL", prefix + "quote"]).integer ?? -1
        // At most the TTL, and no less than the TTL minus the time since the set (plus a second
        // of slack for Redis's own rounding): a loaded machine can take seconds between the two.
        let elapsed = Int64(((ContinuousClock.now - setAt) / .milliseconds(1)).rounded(.up))
        #expect(
            remaining <= 300_000 && remaining >= 300_000 - elapsed - 1000, "PTTL \(remaining) ms after \(elapsed) ms")

        let statistics = cache.statistics
        #expect(statistics.backend == "redis")
        #expect(statistics.hits == 1)
        #expect(statistics.misses == 1)
        #expect(statistics.errors == 0)
        #expect(statistics.outages == 0)
        #expect(try await cache.ping() >= .zero)
        await cache.shutdown()
        await raw.shutdown()
    }

    @Test func removeAllDeletesOnlyItsOwnPrefix() async throws {
        // A prefix with glob characters must match only itself: "x*:" is not a pattern for "xAB:".
        let mine = prefix + "x*:"
        let neighbour = prefix + "xAB:"
        let cache = try makeCache(prefix: mine)
        let other = try makeCache(prefix: neighbour)
        for index in 0..<2_500 { await cache.set("k\(index)", [1], ttl: .seconds(60)) }
        await other.set("k0", [2], ttl: .seconds(60))

        await cache.removeAll()
        #expect(await cache.bytes("k0") == nil)
        #expect(await cache.bytes("k2499") == nil)
        #expect(await other.bytes("k0") == [2])
        let raw = try RedisClient(url: try TestRedis.url())
        var cursor: UInt64 = 0
        var left: [String] = []
        repeat {
            let step = try await raw.scan(cursor: cursor, match: prefix + "x\\*:*", count: 1_000)
            left += step.keys
            cursor = step.cursor
        } while cursor != 0
        #expect(left.isEmpty)
        #expect(cache.statistics.errors == 0)
        for cache in [cache, other] { await cache.shutdown() }
        await raw.shutdown()
    }

    @Test func factoryChoosesTheBackend() throws {
        #expect(try ResponseCacheFactory.make(redisURL: nil).statistics.backend == "memory")
        #expect(try ResponseCacheFactory.make(redisURL: "").statistics.backend == "memory")
        #expect(try ResponseCacheFactory.make(redisURL: "redis://127.0.0.1:1/0").statistics.backend == "redis")
        #expect(throws: RedisError.self) { try ResponseCacheFactory.make(redisURL: "redis://host:port") }
        #expect(CachePolicy.standard.dataTTL == .seconds(300))
        #expect(CachePolicy.standard.listTTL == .seconds(600))
    }

    /// Redis dies mid-test and comes back on the same port: the cache degrades to misses at
    /// once, counts one outage, warns once, and serves hits again by itself.
    @Test func survivesAnOutageAndReconnects() async throws {
        try await RedisServerProcess.with { server in
            let (logger, log) = RecordingLogHandler.logger()
            let cache = RedisCache(
                configuration: try RedisConfiguration(url: server.url()),
                // Generous timeout and back-off: on a loaded test machine a 100 ms timeout can
                // fire against a healthy server, which would be a second, real outage.
                options: .init(keyPrefix: prefix, timeout: .seconds(2), retryInterval: .seconds(2)),
                logger: logger)
            let value = Array("cached".utf8)
            await cache.set("k", value, ttl: .seconds(60))
            #expect(await cache.bytes("k") == value)

            server.stop()
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<100 { #expect(await cache.bytes("k") == nil) }
            for _ in 0..<10 { await cache.set("k", value, ttl: .seconds(60)) }
            // Had each of the 110 operations waited for the 2 s timeout this would take minutes;
            // skipped, they take milliseconds. The bound leaves room for a loaded machine.
            #expect(clock.now - start < .seconds(5), "a down cache must answer at once, not wait per call")

            var statistics = cache.statistics
            #expect(statistics.outages == 1)
            // Every one of the 110 operations was either tried and failed or skipped: one error each.
            #expect(statistics.errors == 110)
            #expect(statistics.hits == 1)
            #expect(log.count(.warning) == 1)
            await #expect(throws: RedisError.self) { _ = try await cache.ping() }

            try await server.restart()
            var served = false
            let deadline = clock.now.advanced(by: .seconds(10))
            while !served, clock.now < deadline {
                // The restarted server is empty (no persistence): store, then read back.
                await cache.set("k", value, ttl: .seconds(60))
                served = await cache.bytes("k") == value
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served, "the cache did not serve hits within 10 s of Redis coming back")
            statistics = cache.statistics
            #expect(statistics.outages == 1)
            #expect(statistics.hits == 2)
            #expect(log.count(.warning) == 1)
            #expect(log.count(.info, containing: "cache reconnected") == 1)
            await cache.shutdown()
        }
    }
}
