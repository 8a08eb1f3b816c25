import ArgumentParser
import StockSchoolCore
import StockSchoolStore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the store, or bring its schema up to date.",
        discussion: """
            Applies every schema migration not yet applied (forward-only, each in one
            transaction). Safe to run again: an up-to-date store is left unchanged.

            Examples:
              stockschool init
              stockschool init --store postgres://stockschool:secret@localhost:5432/stockschool
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let (applied, versions) = try await withStore(configuration) { store in
            (try await store.migrate(), try await store.appliedMigrations())
        }
        let display = StoreURL.masked(configuration.databaseURL)
        if global.json {
            try Output.json(InitResult(store: display, applied: applied, schemaVersion: versions.max() ?? 0))
        } else if applied.isEmpty {
            print("Store \(display) is up to date (schema version \(versions.max() ?? 0)).")
        } else {
            print(
                "Store \(display): applied migration(s) \(applied.map(String.init).joined(separator: ", ")); schema version \(versions.max() ?? 0)."
            )
        }
    }
}

struct InitResult: Encodable {
    let store: String
    let applied: [Int]
    let schemaVersion: Int
}
