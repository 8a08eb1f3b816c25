import StockSchoolCore

/// Every table of a store with its row count, read from the catalog rather than from `Schema`, so
/// tables a later migration adds are counted too. A backup's manifest records it; a restore is
/// checked against it.
public struct TableCensus: Sendable, Equatable {
    public var rowCounts: [String: Int]
    /// The newest applied migration (0 for a store never migrated).
    public var schemaVersion: Int

    public init(rowCounts: [String: Int], schemaVersion: Int) {
        self.rowCounts = rowCounts
        self.schemaVersion = schemaVersion
    }

    /// The catalog query listing the user tables of the current schema (or SQLite file).
    public static func tablesSQL(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        case .postgres:
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
    }

    /// Counts through `run`, which executes one SQL statement: a store, or a session holding a
    /// snapshot.
    public static func take(
        dialect: SQLDialect, _ run: (SQLStatement) async throws -> [[SQLValue]]
    ) async throws -> TableCensus {
        let tables = try await run(SQLStatement(tablesSQL(dialect))).compactMap { $0.first?.string }
        var counts: [String: Int] = [:]
        for table in tables {
            let rows = try await run(SQLStatement("SELECT count(*) FROM \(quotedIdentifier(table))"))
            counts[table] = rows.first?.first?.int.map(Int.init) ?? 0
        }
        var version = 0
        if tables.contains("schema_migrations") {
            let rows = try await run(SQLStatement("SELECT max(version) FROM schema_migrations"))
            version = rows.first?.first?.int.map(Int.init) ?? 0
        }
        return TableCensus(rowCounts: counts, schemaVersion: version)
    }

    public static func take(_ store: any MarketStore) async throws -> TableCensus {
        try await take(dialect: store.dialect) { try await store.query($0) }
    }
}
