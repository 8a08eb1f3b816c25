import ArgumentParser
import StockSchoolCore
import StockSchoolOps

/// Which API the operations commands (`health`, `perf`, `alerts check`) probe.
struct APIProbeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The API to probe (default: health.api_url, else http://<server.host>:<server.port>).",
            valueName: "url"))
    var url: String?

    @Flag(name: .customLong("no-api"), help: "Do not probe the API (a host that runs no server).")
    var noAPI = false

    func validate() throws {
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url must be an http:// or https:// URL, got '\(url)'")
        }
        if noAPI, url != nil { throw ValidationError("--url and --no-api contradict each other; give one") }
    }

    /// The URL to probe, or `nil` with `--no-api`.
    func apiURL(_ configuration: StockSchoolConfiguration) -> String? {
        noAPI ? nil : url ?? HealthChecker.defaultAPIURL(configuration)
    }
}
