import StockSchoolCore

/// One forward-only schema change. Versions only ever grow; a released migration is never edited,
/// a later one corrects it.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The DDL for a dialect, run in one transaction together with its `schema_migrations` row.
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// Every migration StockSchool knows, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "market data and sync bookkeeping") { dialect in
            [
                Schema.stockBasic, Schema.tradeCal, Schema.stockDaily, Schema.adjFactor,
                Schema.dailyBasic, Schema.indexDaily, Schema.syncState, Schema.syncRuns,
                Schema.qualityReports,
            ].flatMap { $0.createStatements(dialect) }
        },
        Migration(version: 2, name: "research results") { dialect in
            [Schema.factorIC, Schema.scores, Schema.scoreWeights, Schema.backtestRuns, Schema.backtestTrades]
                .flatMap { $0.createStatements(dialect) } + [Schema.factorICTradeDateIndex]
        },
        Migration(version: 3, name: "index constituents") { dialect in
            Schema.indexWeight.createStatements(dialect)
        },
        Migration(version: 4, name: "API keys, audit log and cache generations") { dialect in
            [Schema.apiKeys, Schema.auditLog, Schema.dataGenerations].flatMap { $0.createStatements(dialect) }
        },
        Migration(version: 5, name: "alerts and silences") { dialect in
            Schema.alerts.createStatements(dialect) + [Schema.alertsActiveIndex]
                + Schema.alertSilences.createStatements(dialect)
        },
        Migration(version: 6, name: "worker jobs, units and unit runs") { dialect in
            Schema.workerJobs.createStatements(dialect) + [Schema.workerJobsScheduleIndex]
                + Schema.workerUnits.createStatements(dialect) + Schema.workerUnitRuns.createStatements(dialect)
        },
        Migration(version: 7, name: "factor_ic without its trade_date index") { _ in
            ["DROP INDEX IF EXISTS idx_factor_ic_trade_date"]
        },
    ]

    public static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
