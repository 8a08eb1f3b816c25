import Foundation
import StockSchoolCore
import StockSchoolRedis
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolOps

@Suite struct PerfCheckTests {
    @Test func postgresConnectionsAndSizeFromTheServer() async throws {
        guard TestBackend.available.contains(.postgres) else { return }
        try await TestStore.scoped(.postgres) { test in
            var configuration = StockSchoolConfiguration()
            configuration.databaseURL = test.url
            let (check, activity) = await PerfChecker(configuration: configuration, apiURL: nil).databaseCheck()
            let measured = try #require(activity)
            // Other tests share the server, so the count moves; what holds: our own store's
            // connection is among them, the states add up, and max_connections is the server's.
            let setting = try await test.store.query(SQLStatement("SHOW max_connections"))
            // Over 80 connections on the server is a warning, and the suite running in parallel can
            // get there by itself.
            let expected: OpsLevel =
                (measured.connections ?? 0) > PerfChecker.databaseConnectionsWarning ? .warning : .ok
            #expect(check.level == expected && measured.backend == "postgres")
            #expect((measured.connections ?? 0) >= 1)
            #expect(measured.connectionsByState.values.reduce(0, +) == measured.connections)
            #expect((measured.connectionsByState["active"] ?? 0) >= 1)
            #expect(measured.maxConnections.map(String.init) == setting.first?.first?.string)
            #expect((measured.sizeBytes ?? 0) > 1_000_000)
            #expect(measured.slowStatements != nil || measured.note?.contains("pg_stat_statements") == true)
        }
    }

    @Test func redisMemoryAgainstMaxmemory() async throws {
        guard TestRedis.isEnabled else { return }
        try await RedisServerProcess.with { redis in
            let client = try RedisClient(url: redis.url())
            _ = try await client.send(["CONFIG", "SET", "maxmemory", "104857600"])
            await client.shutdown()
            var configuration = StockSchoolConfiguration()
            configuration.redisURL = redis.url()
            let check = try #require(await PerfChecker(configuration: configuration, apiURL: nil).cacheCheck())
            #expect(check.level == .ok)
            #expect(check.values["maxmemory_bytes"] == 104_857_600)
            let used = try #require(check.values["used_memory_bytes"])
            #expect(try #require(check.values["used_percent"]) == (used / 104_857_600 * 1000).rounded() / 10)
            redis.stop()
            let down = try #require(await PerfChecker(configuration: configuration, apiURL: nil).cacheCheck())
            #expect(down.level == .warning)
        }
    }

    @Test func sqliteSizesFromItsPages() async throws {
        try await TestStore.scoped(.sqlite) { test in
            var configuration = StockSchoolConfiguration()
            configuration.databaseURL = test.url
            let (check, activity) = await PerfChecker(configuration: configuration, apiURL: nil).databaseCheck()
            #expect(check.level == .ok && activity?.backend == "sqlite")
            guard case .sqlite(let path) = try StoreURL(test.url) else { return }
            let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let logSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            // page_count × page_size is the main file's size once the WAL is checkpointed; until
            // then the newer pages are in the log.
            #expect((activity?.sizeBytes ?? 0) > 0)
            #expect((activity?.sizeBytes ?? 0) <= Double(fileSize + logSize))
        }
    }
}
