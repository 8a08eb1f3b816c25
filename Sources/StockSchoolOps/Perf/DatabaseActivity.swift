import Foundation
import StockSchoolStore

/// What the database is doing: connections (the manual's `SELECT count(*) FROM
/// pg_stat_activity`), its size, and the slowest statements when `pg_stat_statements` is
/// installed. For SQLite, the file, WAL and free-page sizes stand in.
public struct DatabaseActivity: Sendable, Equatable, Encodable {
    public struct SlowStatement: Sendable, Equatable, Encodable {
        public var query: String
        public var meanMS: Double
        public var calls: Int64

        enum CodingKeys: String, CodingKey {
            case query
            case meanMS = "mean_ms"
            case calls
        }
    }

    public var backend: String
    /// PostgreSQL: every row of `pg_stat_activity`, as the manual counts them.
    public var connections: Int?
    public var connectionsByState: [String: Int]
    public var maxConnections: Int?
    public var sizeBytes: Double?
    /// SQLite: the write-ahead log and the pages free for reuse.
    public var walBytes: Double?
    public var freeBytes: Double?
    /// `nil` when `pg_stat_statements` is not installed (or on SQLite); the note says which.
    public var slowStatements: [SlowStatement]?
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case backend, connections
        case connectionsByState = "connections_by_state"
        case maxConnections = "max_connections"
        case sizeBytes = "size_bytes"
        case walBytes = "wal_bytes"
        case freeBytes = "free_bytes"
        case slowStatements = "slow_statements"
        case note
    }

    public static func measure(_ store: any MarketStore, databaseURL: String) async throws -> DatabaseActivity {
        switch store.dialect {
        case .postgres: try await postgres(store)
        case .sqlite: try await sqlite(store, databaseURL: databaseURL)
        }
    }

    static func postgres(_ store: any MarketStore) async throws -> DatabaseActivity {
        let states = try await store.query(
            SQLStatement("SELECT coalesce(state, 'background'), count(*) FROM pg_stat_activity GROUP BY 1"))
        var byState: [String: Int] = [:]
        for row in states {
            if let state = row.first?.string, let count = row.last?.int { byState[state] = Int(count) }
        }
        let settings = try await store.query(
            SQLStatement(
                "SELECT current_setting('max_connections'), pg_database_size(current_database()), (SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements')"
            ))
        let row = settings.first ?? []
        var activity = DatabaseActivity(
            backend: "postgres", connections: byState.values.reduce(0, +), connectionsByState: byState,
            maxConnections: row.first?.int.map(Int.init), sizeBytes: row.count > 1 ? row[1].doubleValue : nil)
        if row.count > 2, (row[2].int ?? 0) > 0 {
            do {
                // PostgreSQL 13 renamed mean_time to mean_exec_time; the manual's query predates it.
                let rows = try await store.query(
                    SQLStatement(
                        "SELECT query, mean_exec_time, calls FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10"
                    ))
                activity.slowStatements = rows.map { r in
                    SlowStatement(
                        query: String((r[0].string ?? "").prefix(200)),
                        meanMS: ((r[1].doubleValue ?? 0) * 1000).rounded() / 1000, calls: r[2].int ?? 0)
                }
            } catch {
                activity.note = "pg_stat_statements is installed but not loaded (shared_preload_libraries): \(error)"
            }
        } else {
            activity.note =
                "pg_stat_statements is not installed; `CREATE EXTENSION pg_stat_statements` with shared_preload_libraries = 'pg_stat_statements' lists the slowest statements"
        }
        return activity
    }

    static func sqlite(_ store: any MarketStore, databaseURL: String) async throws -> DatabaseActivity {
        let pages = try await store.query(
            SQLStatement(
                "SELECT page_count * page_size, freelist_count * page_size FROM pragma_page_count(), pragma_page_size(), pragma_freelist_count()"
            ))
        var wal: Double?
        if case .sqlite(let path) = try StoreURL(databaseURL) {
            wal =
                (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Double
                ?? ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int).map(Double.init)
        }
        return DatabaseActivity(
            backend: "sqlite", connections: nil, connectionsByState: [:], maxConnections: nil,
            sizeBytes: pages.first?.first?.doubleValue, walBytes: wal ?? 0, freeBytes: pages.first?.last?.doubleValue,
            slowStatements: nil, note: "embedded SQLite: one file, no server connections")
    }
}
