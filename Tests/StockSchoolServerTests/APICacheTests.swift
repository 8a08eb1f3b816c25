import Foundation
import StockSchoolCore
import StockSchoolRedis
import StockSchoolServer
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// The API's cache end to end: hits are byte-identical to misses, a commit anywhere (a bumped
/// data generation) makes entries unreachable, and a Redis outage costs nothing but speed.
@Suite struct APICacheTests {
    static let path = "/api/v1/stocks?page_size=5"

    @Test(arguments: TestBackend.available)
    func hitsAreIdenticalAndCommitsInvalidate(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, cache: MemoryCache()) { server in
            let miss = try await server.get(Self.path)
            #expect(miss.status == 200 && miss.header("X-Cache") == "MISS")
            let hit = try await server.get(Self.path)
            #expect(hit.header("X-Cache") == "HIT")
            #expect(hit.body == miss.body)
            // The same question with parameters in another order: its own entry, the same answer.
            let reordered = try await server.get("/api/v1/stocks?page_size=5&page=1")
            let reorderedAgain = try await server.get("/api/v1/stocks?page=1&page_size=5")
            #expect(reordered.header("X-Cache") == "MISS" && reorderedAgain.header("X-Cache") == "MISS")
            #expect(reordered.body == reorderedAgain.body)
            // An invalid query is never answered from the cache, even next to a cached one.
            let invalid = try await server.get("/api/v1/stocks?page_size=5&bogus=1")
            #expect(invalid.status == 400)

            // A sync run commits: the name of a stock changes and the sync generation is bumped,
            // as `stockschool sync` does from another process.
            let code = try #require(miss.items.first?["ts_code"] as? String)
            try await server.store.execute(atomically: [
                SQLStatement("UPDATE stock_basic SET name = 'Renamed' WHERE ts_code = ?", [.text(code)])
            ])
            try await server.store.bumpGeneration(.sync)
            var fresh = try await server.get(Self.path)
            for _ in 0..<50 where fresh.header("X-Cache") == "HIT" {
                try await Task.sleep(for: .milliseconds(50))
                fresh = try await server.get(Self.path)
            }
            #expect(fresh.header("X-Cache") == "MISS")
            #expect(fresh.items.first?["name"] as? String == "Renamed")
            // Errors are never cached.
            _ = try await server.get("/api/v1/stocks/999999.SH")
            let again = try await server.get("/api/v1/stocks/999999.SH")
            #expect(again.status == 404 && again.header("X-Cache") == nil)
            // The one hit seen above is counted (later ones depend on when the poll lands).
            let statistics = server.services.cache.statistics
            #expect(statistics.hits >= 1 && statistics.misses >= 4)
        }
    }

    /// Redis stops mid-run: every request is still answered (no 5xx) from the store; when it
    /// comes back the cache is used again.
    @Test func redisOutageServesFromTheStore() async throws {
        guard TestRedis.isEnabled else { return }
        let redis = try await RedisServerProcess.start()
        defer { redis.stop() }
        var options = RedisCache.Options()
        options.keyPrefix = TestRedis.uniquePrefix("api")
        options.retryInterval = .milliseconds(200)
        // A healthy server must never look down on a loaded test machine.
        options.timeout = .seconds(2)
        let cache = RedisCache(configuration: try RedisConfiguration(url: redis.url()), options: options)
        try await TestServer.with(.sqlite, cache: cache) { server in
            _ = try await server.get(Self.path)
            #expect(try await server.get(Self.path).header("X-Cache") == "HIT")
            redis.stop()
            var statuses: [Int] = []
            for i in 0..<60 {
                let answer = try await server.get("/api/v1/stocks?page_size=5&page=\(i % 4 + 1)")
                statuses.append(answer.status)
                #expect(answer.items.count == 5)
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(cache.statistics.outages == 1)
            let health = try await server.get("/api/health")
            #expect(health.status == 200)
            #expect((health.json["checks"] as? [String: [String: Any]])?["cache"]?["status"] as? String == "degraded")

            try await redis.restart()
            var hit = false
            for _ in 0..<100 where !hit {
                try await Task.sleep(for: .milliseconds(100))
                _ = try await server.get(Self.path)
                hit = try await server.get(Self.path).header("X-Cache") == "HIT"
            }
            #expect(hit, "the cache is used again after Redis restarts")
        }
        await cache.shutdown()
    }
}
