import Foundation
import StockSchoolRedis
import StockSchoolServer
import StockSchoolTestSupport
import Testing

/// deploy/'s rules and dashboards may only use names listed in deploy/metrics.txt; this checks
/// the other half: every StockSchool API name listed there is really exported by `serve`.
@Suite struct MetricsCoverageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The API section of deploy/metrics.txt: names between the API heading and the next heading.
    static func listedAPINames() throws -> [String] {
        let text = try String(
            contentsOf: repository.appendingPathComponent("deploy/metrics.txt"), encoding: .utf8)
        var names: [String] = []
        var inAPI = false
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("#") {
                inAPI = line.contains("StockSchool API")
                continue
            }
            if inAPI && !line.isEmpty { names.append(line) }
        }
        return names
    }

    @Test func everyListedAPIMetricIsExported() async throws {
        guard TestRedis.isEnabled, TestBackend.available.contains(.postgres) else { return }
        let listed = try Self.listedAPINames()
        #expect(listed.count >= 25)
        var options = RedisCache.Options()
        options.keyPrefix = TestRedis.uniquePrefix("metrics")
        // The memory gauges are read at scrape time; a loaded test machine must not turn a slow
        // INFO into a missing family.
        options.timeout = .seconds(5)
        let cache = RedisCache(configuration: try RedisConfiguration(url: try TestRedis.url()), options: options)
        // PostgreSQL (connections) and Redis (its memory) so every name has a source.
        try await TestServer.with(.postgres, cache: cache) { server in
            _ = try await server.get("/api/v1/stocks?page_size=5")
            let text = try await server.get("/metrics").text
            var families = Set<String>()
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count >= 4 else { continue }
                families.insert(String(parts[2]))
                if parts[3] == "histogram" { families.insert("\(parts[2])_bucket") }
            }
            for name in listed {
                #expect(families.contains(name), "deploy/metrics.txt lists \(name) but /metrics does not export it")
            }
        }
        await cache.shutdown()
    }
}
