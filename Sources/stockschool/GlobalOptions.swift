import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Store URL: sqlite:///path/to/file.sqlite or postgres://user:pass@host:5432/db.",
            discussion: "Overrides STOCKSCHOOL_DATABASE_URL and database.url in the config file.",
            valueName: "url"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Configuration file (default: ./stockschool.yaml if present).", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Print machine-readable JSON on standard output instead of tables.")
    var json = false

    /// The configuration from file and environment, with `--store` on top.
    func configuration() throws -> StockSchoolConfiguration {
        var yaml: String?
        var fileName = "stockschool.yaml"
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw StockSchoolError.invalidArgument(name: "--config", reason: "cannot read '\(config)'")
            }
            yaml = text
            fileName = config
        } else if FileManager.default.fileExists(atPath: "stockschool.yaml") {
            yaml = try? String(contentsOfFile: "stockschool.yaml", encoding: .utf8)
        }
        var configuration = try StockSchoolConfiguration.load(
            yaml: yaml, fileName: fileName, environment: ProcessInfo.processInfo.environment)
        if let store {
            _ = try StoreURL(store)
            configuration.databaseURL = store
        }
        return configuration
    }

    /// Opens the configured store; the caller closes it.
    func openConfiguredStore(_ configuration: StockSchoolConfiguration) async throws -> any MarketStore {
        try await openStore(url: configuration.databaseURL)
    }
}

/// Runs `body` with an open store and closes it whatever happens.
func withStore<T>(
    _ configuration: StockSchoolConfiguration, _ body: (any MarketStore) async throws -> T
) async throws -> T {
    let store = try await openStore(url: configuration.databaseURL)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// For commands that write research results: a store created by an older StockSchool gets the
/// migrations it lacks (forward-only and additive, so this is safe on a store in use).
func requireCurrentSchema(_ store: any MarketStore) async throws {
    _ = try await requireSchema(store)
    let applied = Set(try await store.appliedMigrations())
    if !Migration.all.allSatisfy({ applied.contains($0.version) }) { try await store.migrate() }
}

/// The store's schema version, or a failure telling the user to create the store first.
func requireSchema(_ store: any MarketStore) async throws -> Int {
    guard let version = try await store.appliedMigrations().max() else {
        throw CommandFailure(
            description:
                "the store at \(store.displayURL) has no schema yet; run `stockschool init` or `stockschool demo` first"
        )
    }
    return version
}

extension TradeDate: ExpressibleByArgument {
    public init?(argument: String) {
        guard let date = try? TradeDate(argument) else { return nil }
        self = date
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}

extension TSCode: ExpressibleByArgument {
    public init?(argument: String) {
        guard let code = try? TSCode(argument) else { return nil }
        self = code
    }
}
