import Foundation
import StockSchoolStore

/// Opens the configured store and times a `SELECT 1`. An embedded store that does not exist yet
/// is reported as missing rather than created: a health check must not write.
public enum DatabaseProbe {
    public struct Opened: Sendable {
        public let store: any MarketStore
        public let latency: Duration
    }

    public static func open(url: String, timeout: Duration = .seconds(5)) async throws -> Opened {
        if case .sqlite(let path) = try StoreURL(url), !FileManager.default.fileExists(atPath: path) {
            throw MissingStore(path: path)
        }
        return try await withDeadline(timeout, "the database", releasingLate: { try? await $0.store.close() }) {
            let store = try await openStore(url: url)
            do {
                let latency = try await ping(store)
                return Opened(store: store, latency: latency)
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// The round trip of `SELECT 1`.
    public static func ping(_ store: any MarketStore) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await store.query(SQLStatement("SELECT 1"))
        return clock.now - start
    }

    /// The round trip of `SELECT 1`, or `DeadlineExceeded` after `limit`: what `/api/health` and
    /// `/metrics` ask a store that may hang.
    public static func ping(_ store: any MarketStore, within limit: Duration) async throws -> Duration {
        try await withDeadline(limit, "the database") { try await ping(store) }
    }

    public struct MissingStore: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "no store at \(path); run `stockschool init` (or `stockschool demo`) first"
        }
    }
}
