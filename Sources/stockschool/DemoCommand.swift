import ArgumentParser
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Set everything up with a simulated market: init, sync, and a summary.",
        discussion: """
            Creates (or migrates) the store and syncs the simulated market into it — about 300
            stocks over 2020–2024 by default — so every command has data to work on without a
            Tushare token. Running it again fetches nothing new.

            Examples:
              stockschool demo
              stockschool demo --stocks 50 --start 20240102 --end 20240628
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sample: SampleOptions

    func run() async throws {
        let configuration = try global.configuration()
        let market = try sample.market(configuration)
        let (report, stats) = try await withStore(configuration) { store in
            let report = try await syncWithProgress(
                source: try SampleSync.source(market, announce: !global.json), store: store,
                request: SyncRequest(start: market.start, end: market.end))
            return (report, try await store.stats())
        }
        if global.json {
            try Output.json(
                DemoResult(
                    sync: SyncSummary(report),
                    tables: Dictionary(uniqueKeysWithValues: stats.map { ($0.table, $0.rows) })))
            return
        }
        SampleSync.printSummary(report)
        print("")
        Output.table(
            ["table", "rows", "first", "last"],
            stats.map {
                [$0.table, Output.grouped($0.rows), $0.firstDate?.description ?? "", $0.lastDate?.description ?? ""]
            })
        print("\nStore: \(StoreURL.masked(configuration.databaseURL))")
        print("Next: `stockschool db stats`, or see README.md for the tour.")
    }
}

struct DemoResult: Encodable {
    let sync: SyncSummary
    let tables: [String: Int]
}
