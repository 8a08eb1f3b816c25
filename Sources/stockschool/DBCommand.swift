import ArgumentParser
import StockSchoolCore
import StockSchoolStore

struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Inspect and maintain the store.",
        subcommands: [
            DBStatsCommand.self, DBMaintainCommand.self, DBBloatCommand.self, DBSlowQueriesCommand.self,
            DBConnectionsCommand.self, DBTerminateIdleCommand.self, DBCreateReadonlyUserCommand.self,
        ])
}

struct DBStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Rows and date coverage of every table.",
        discussion: """
            Columns: rows; first and last date present; dates = distinct dates present.

            Examples:
              stockschool db stats
              stockschool db stats --json | jq '.tables[] | select(.rows == 0)'
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let (stats, version) = try await withStore(configuration) { store in
            let version = try await requireSchema(store)
            return (try await store.stats(), version)
        }
        let display = StoreURL.masked(configuration.databaseURL)
        if global.json {
            try Output.json(
                StatsResult(
                    store: display, schemaVersion: version,
                    tables: stats.map {
                        .init(
                            table: $0.table, rows: $0.rows, firstDate: $0.firstDate?.description,
                            lastDate: $0.lastDate?.description, dates: $0.dates)
                    }))
            return
        }
        print("Store \(display), schema version \(version)\n")
        Output.table(
            ["table", "rows", "first", "last", "dates"],
            stats.map {
                [
                    $0.table, Output.grouped($0.rows), $0.firstDate?.description ?? "", $0.lastDate?.description ?? "",
                    $0.dates.map(Output.grouped) ?? "",
                ]
            })
    }
}

struct StatsResult: Encodable {
    struct Table: Encodable {
        let table: String
        let rows: Int
        let firstDate: String?
        let lastDate: String?
        let dates: Int?
    }

    let store: String
    let schemaVersion: Int
    let tables: [Table]
}
