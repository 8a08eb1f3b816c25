import StockSchoolServer
import Testing

@Suite struct MemoryCacheTests {
    static let value = Array(repeating: UInt8(7), count: 10)

    @Test func evictsTheLeastRecentlyUsed() async {
        let cache = MemoryCache(limits: .init(maximumEntries: 3))
        for key in ["a", "b", "c"] { await cache.set(key, Self.value, ttl: .seconds(60)) }
        // Reading "a" makes "b" the least recently used.
        #expect(await cache.bytes("a") == Self.value)
        await cache.set("d", Self.value, ttl: .seconds(60))
        #expect(await cache.bytes("b") == nil)
        for key in ["a", "c", "d"] { #expect(await cache.bytes(key) == Self.value, "\(key)") }
        // Now "a" is the oldest use (a, c, d were read in that order).
        await cache.set("e", Self.value, ttl: .seconds(60))
        #expect(await cache.bytes("a") == nil)
        #expect(cache.count == 3)
    }

    @Test func overwritingAKeyRefreshesItAndKeepsOneEntry() async {
        let cache = MemoryCache(limits: .init(maximumEntries: 2))
        await cache.set("a", [1], ttl: .seconds(60))
        await cache.set("b", [2], ttl: .seconds(60))
        await cache.set("a", [3], ttl: .seconds(60))
        await cache.set("c", [4], ttl: .seconds(60))
        #expect(await cache.bytes("a") == [3])
        #expect(await cache.bytes("b") == nil)
        #expect(await cache.bytes("c") == [4])
        #expect(cache.count == 2)
    }

    @Test func entriesExpireAfterTheirTTL() async throws {
        let cache = MemoryCache()
        await cache.set("short", [1], ttl: .milliseconds(50))
        await cache.set("long", [2], ttl: .seconds(60))
        try await Task.sleep(for: .milliseconds(200))
        #expect(await cache.bytes("short") == nil)
        #expect(await cache.bytes("long") == [2])
        // The expired entry was dropped when looked up.
        #expect(cache.count == 1)
    }

    @Test func boundedByBytes() async {
        // Each entry costs 1 key byte + 40 value bytes = 41; two fit in 100, three do not.
        let cache = MemoryCache(limits: .init(maximumEntries: 100, maximumBytes: 100))
        let forty = Array(repeating: UInt8(1), count: 40)
        for key in ["a", "b", "c"] { await cache.set(key, forty, ttl: .seconds(60)) }
        #expect(cache.count == 2)
        #expect(cache.totalBytes == 82)
        #expect(await cache.bytes("a") == nil)

        // 1 + 100 = 101 bytes can never fit: not stored, and the old "b" must not be served.
        await cache.set("b", Array(repeating: 2, count: 100), ttl: .seconds(60))
        #expect(await cache.bytes("b") == nil)
        #expect(cache.count == 1)
        #expect(cache.totalBytes == 41)

        // Exactly the limit fits (and pushes out "c").
        await cache.set("x", Array(repeating: 3, count: 99), ttl: .seconds(60))
        #expect(cache.totalBytes == 100)
        #expect(await cache.bytes("c") == nil)
        #expect(await cache.bytes("x")?.count == 99)
    }

    @Test func countsHitsAndMisses() async {
        let cache = MemoryCache()
        #expect(await cache.bytes("k") == nil)
        await cache.set("k", [1], ttl: .seconds(60))
        #expect(await cache.bytes("k") == [1])
        #expect(await cache.bytes("k") == [1])
        let statistics = cache.statistics
        #expect(statistics.backend == "memory")
        #expect(statistics.hits == 2)
        #expect(statistics.misses == 1)
        #expect(statistics.errors == 0)
        #expect(statistics.hitRatio == 2.0 / 3.0)
    }

    @Test func removeAllEmptiesIt() async throws {
        let cache = MemoryCache()
        for index in 0..<10 { await cache.set("k\(index)", [UInt8(index)], ttl: .seconds(60)) }
        await cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.totalBytes == 0)
        #expect(await cache.bytes("k3") == nil)
        await cache.set("k3", [3], ttl: .seconds(60))
        #expect(await cache.bytes("k3") == [3])
        #expect(try await cache.ping() >= .zero)
    }

    @Test func concurrentAccessKeepsTheInvariants() async {
        let limits = MemoryCache.Limits(maximumEntries: 100, maximumBytes: 4_000)
        let cache = MemoryCache(limits: limits)
        let tasks = 16
        let operations = 2_000
        // Every value spells its key, so a hit with another key's value would show.
        let wrongHits = await withTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var wrong = 0
                    for step in 0..<operations {
                        let key = "k\((task * 7919 + step * 31) % 500)"
                        if step % 3 == 0 {
                            await cache.set(key, Array("value of \(key)".utf8), ttl: .seconds(60))
                        } else if let value = await cache.bytes(key), value != Array("value of \(key)".utf8) {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrongHits == 0)
        #expect(cache.count <= limits.maximumEntries)
        #expect(cache.totalBytes <= limits.maximumBytes)
        // Two of every three operations were gets.
        let gets = tasks * (0..<operations).filter { $0 % 3 != 0 }.count
        #expect(cache.statistics.hits + cache.statistics.misses == gets)
    }
}
