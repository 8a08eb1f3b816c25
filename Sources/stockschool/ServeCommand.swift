import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolServer
import StockSchoolStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API: data, factors, scores, backtests, health and /metrics.",
        discussion: """
            Runs until SIGTERM or Ctrl-C, then stops accepting connections and finishes
            the requests in flight. Responses are cached in memory, or in Redis when
            STOCKSCHOOL_REDIS_URL (cache.redis_url) is set. Routes: GET /openapi.json;
            docs/api.md has curl examples.

            Logs go to standard error and to log.dir/stockschool-serve.log (./logs). The
            alert engine runs every alerts.interval seconds unless --no-alerts
            (docs/operations.md).

            Writes need an API key (`stockschool apikey create`), sent as
            `Authorization: Bearer <key>`; docs/api.md has roles, rate limits
            and the audit trail.

            Examples:
              stockschool serve                          http://127.0.0.1:8080 on ./data/stockschool.sqlite
              stockschool serve --host 0.0.0.0 --port 9000
              curl http://127.0.0.1:8080/api/health
              curl 'http://127.0.0.1:8080/api/v1/stocks/000001.SZ/daily?adj=qfq&start_date=20240102'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address to listen on (default 127.0.0.1, or server.host).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on (default 8080, or server.port).", valueName: "port"))
    var port: Int?

    @Flag(help: "Serve every request from the store (to measure it); no cache.")
    var noCache = false

    @Flag(
        name: .customLong("no-alerts"),
        help: "Do not run the alert engine in this process (another replica or the worker runs it).")
    var noAlerts = false

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--port must be 1–65535, got \(port)")
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        var settings = ServerSettings(configuration)
        if let host { settings.host = host }
        if let port { settings.port = port }
        if noAlerts { settings.alertInterval = nil }
        try await Self.serve(global: global, configuration: configuration, settings: settings, noCache: noCache)
    }

    /// Serves until SIGTERM or Ctrl-C; `demo --serve` ends with this too.
    static func serve(
        global: GlobalOptions, configuration: StockSchoolConfiguration, settings: ServerSettings, noCache: Bool
    ) async throws {
        let alertMetrics = AlertMetrics()
        let channels = AlertSetup.channels(configuration, metrics: alertMetrics)
        _ = try AlertSetup.rules(configuration)
        try ProcessLogging.bootstrap(process: "serve", configuration: configuration)
        let store = try await global.openConfiguredStore(configuration)
        do {
            try await requireCurrentSchema(store)
            let cache = try ServerCache.make(configuration, disabled: noCache)
            let services = APIServices(
                store: store, cache: cache, settings: settings, configuration: configuration, alertChannels: channels,
                alertMetrics: alertMetrics)
            let shown = settings.host == "0.0.0.0" || settings.host == "::" ? "127.0.0.1" : settings.host
            try await APIServer.run(services) { port in
                let base = "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
                print("Dashboard: \(base)/   API: \(base)/openapi.json   (Ctrl-C stops)")
                fflush(nil)
            }
            await (cache as? RedisCache)?.shutdown()
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}
