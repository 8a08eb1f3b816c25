import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StockSchoolCore
import StockSchoolServer
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport

/// A real API server on a free loopback port over a store of its own, and an HTTP client to
/// call it: every route test goes over real HTTP.
final class TestServer: Sendable {
    let testStore: TestStore
    let services: APIServices
    let server: RunningServer
    let client: HTTPClient

    var store: any MarketStore { testStore.store }
    var base: String { "http://127.0.0.1:\(server.port)" }

    /// A small simulated market, synced once per store: 20 stocks over the first half of 2024.
    static let market = SampleMarketConfiguration(
        stocks: 20, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_06_28), seed: 11)

    static func make(
        _ backend: TestBackend, sync: Bool = true, cache: (any ResponseCache)? = nil,
        settings: (inout ServerSettings) -> Void = { _ in },
        configure: (inout StockSchoolConfiguration) -> Void = { _ in },
        rateLimitClock: (@Sendable () -> UInt64)? = nil
    ) async throws -> TestServer {
        let testStore = try await TestStore.make(backend)
        do {
            if sync {
                try await SyncEngine(source: SampleSource(market), store: testStore.store).run(
                    SyncRequest(start: market.start, end: market.end))
            }
            var serverSettings = ServerSettings()
            serverSettings.port = 0
            serverSettings.generationPollInterval = .milliseconds(100)
            // Tests run side by side on two cores; only a test about the limit sets a short one.
            serverSettings.dependencyCheckTimeout = .seconds(60)
            settings(&serverSettings)
            var configuration = StockSchoolConfiguration()
            configuration.databaseURL = testStore.url
            configure(&configuration)
            let services = APIServices(
                store: testStore.store, cache: cache ?? NoCache(), settings: serverSettings,
                configuration: configuration, rateLimitClock: rateLimitClock)
            let server = try await APIServer.start(services)
            return TestServer(testStore: testStore, services: services, server: server)
        } catch {
            await testStore.tearDown()
            throw error
        }
    }

    private init(testStore: TestStore, services: APIServices, server: RunningServer) {
        self.testStore = testStore
        self.services = services
        self.server = server
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    func tearDown() async {
        try? await client.shutdown()
        try? await server.shutdown()
        await testStore.tearDown()
    }

    /// Runs `body` with a fresh server and always tears it down.
    static func with<T>(
        _ backend: TestBackend, sync: Bool = true, cache: (any ResponseCache)? = nil,
        settings: (inout ServerSettings) -> Void = { _ in },
        configure: (inout StockSchoolConfiguration) -> Void = { _ in },
        rateLimitClock: (@Sendable () -> UInt64)? = nil, _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let server = try await make(
            backend, sync: sync, cache: cache, settings: settings, configure: configure, rateLimitClock: rateLimitClock)
        do {
            let result = try await body(server)
            await server.tearDown()
            return result
        } catch {
            await server.tearDown()
            throw error
        }
    }

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object (`[:]` if it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
        }
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
        /// `error.code` of an error answer.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.GET, path, headers: headers)
    }

    func post(_ path: String, json: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.POST, path, body: Array(json.utf8), headers: headers + [("Content-Type", "application/json")])
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(bytes.readableBytesView))
    }
}
