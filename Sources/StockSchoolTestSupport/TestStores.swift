import Foundation
import StockSchoolCore
import StockSchoolStore

/// The backends a test suite runs against. PostgreSQL joins when the test script exported its URL
/// — and always in CI, where a missing server must fail the tests rather than skip them.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var available: [TestBackend] {
        TestEnvironment.postgresURL != nil || TestEnvironment.isCI ? [.sqlite, .postgres] : [.sqlite]
    }
}

public enum TestEnvironment {
    public static var isCI: Bool {
        ["true", "1", "yes"].contains((ProcessInfo.processInfo.environment["CI"] ?? "").lowercased())
    }

    /// An administrative URL (database `postgres`) of the server `scripts/test.sh` started.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["STOCKSCHOOL_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var redisURL: String? {
        ProcessInfo.processInfo.environment["STOCKSCHOOL_TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

public struct MissingTestServer: Error, CustomStringConvertible {
    public let description: String
}

/// A store of its own for one test: a temporary SQLite file, or a new PostgreSQL database on the
/// shared test server, so tests run in parallel without seeing each other's rows.
public final class TestStore: Sendable {
    public let store: any MarketStore
    public let url: String
    private let cleanup: @Sendable () async -> Void

    init(store: any MarketStore, url: String, cleanup: @escaping @Sendable () async -> Void) {
        self.store = store
        self.url = url
        self.cleanup = cleanup
    }

    public static func make(_ backend: TestBackend, migrate: Bool = true) async throws -> TestStore {
        let name = "ss_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            let path = directory + "/store.sqlite"
            let store = try await openStore(url: "sqlite://" + path)
            if migrate { try await store.migrate() }
            return TestStore(store: store, url: "sqlite://" + path) {
                try? FileManager.default.removeItem(atPath: directory)
            }
        case .postgres:
            guard let admin = TestEnvironment.postgresURL else {
                throw MissingTestServer(
                    description:
                        "CI=true but STOCKSCHOOL_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts PostgreSQL"
                )
            }
            let adminStore = try await openStore(url: admin)
            try await adminStore.query(SQLStatement("CREATE DATABASE \(name)"))
            try await adminStore.close()
            let url = Self.replacingDatabase(in: admin, with: name)
            let store = try await openStore(url: url)
            if migrate { try await store.migrate() }
            return TestStore(store: store, url: url) {
                guard let admin = try? await openStore(url: admin) else { return }
                _ = try? await admin.query(SQLStatement("DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
                try? await admin.close()
            }
        }
    }

    /// Closes the store and removes its file or database.
    public func tearDown() async {
        try? await store.close()
        await cleanup()
    }

    /// Runs `body` with a fresh store and always tears it down.
    public static func with<T>(
        _ backend: TestBackend, migrate: Bool = true, _ body: (any MarketStore) async throws -> T
    ) async throws -> T {
        try await scoped(backend, migrate: migrate) { try await body($0.store) }
    }

    /// Runs `body` with a fresh test store (its store and its URL, for tests that open more
    /// connections or start processes on it) and always tears it down.
    public static func scoped<T>(
        _ backend: TestBackend, migrate: Bool = true, _ body: (TestStore) async throws -> T
    ) async throws -> T {
        let test = try await make(backend, migrate: migrate)
        do {
            let result = try await body(test)
            await test.tearDown()
            return result
        } catch {
            await test.tearDown()
            throw error
        }
    }

    static func replacingDatabase(in url: String, with database: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + database
        return components.string ?? url
    }
}
