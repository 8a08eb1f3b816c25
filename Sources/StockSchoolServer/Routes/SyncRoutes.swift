import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync

/// Sync: start a run (admin) and the status the operations manual probes.
enum SyncRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .post, "/api/v1/sync",
            summary: "Start a sync run in the background (admin); progress in /monitoring/sync/status.",
            tag: "sync", access: .admin, body: RouteBody(schema: SyncRunRequest.schema), successStatus: 202,
            handler: start),
        APIRoute(
            .get, "/monitoring/sync/status", summary: "Last complete date, lag and quality per dataset; the last run.",
            tag: "sync", access: .open
        ) { call in
            let status = try await SyncStatus.load(store: call.services.store)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return Reply(status: .ok, contentType: JSONWriter.contentType, body: Array(try encoder.encode(status)))
        },
    ]

    static func start(_ call: RouteCall) async throws -> Reply {
        let request = try await call.body(SyncRunRequest.self)
        let (name, sync, makeSource) = try request.plan(call.services.configuration)
        guard !call.services.jobs.syncBusy else {
            throw APIError(
                .conflict, code: "sync_running",
                message: "a sync run started by this server is still running; see /monitoring/sync/status")
        }
        let source = try makeSource()
        let store = call.services.store
        let logger = call.services.logger
        call.services.jobs.start(.sync) {
            do {
                try await store.migrate()
                let report = try await SyncEngine(source: source, store: store).run(sync) { _ in }
                logger.info("sync finished", metadata: ["run": "\(report.runID)", "status": "\(report.status)"])
            } catch {
                logger.error("sync failed", metadata: ["error": "\(error)"])
            }
        }
        return Reply.json(
            { w in
                w.object { o in
                    o.field("status", "started")
                    o.field("source", name)
                    o.field("datasets") { $0.array(sync.datasets) { $0.value($1.rawValue) } }
                    o.field("start_date", sync.start.description)
                    o.field("end_date", sync.end.description)
                    o.field("status_url", "/monitoring/sync/status")
                }
            }, status: .accepted)
    }
}

/// The body of `POST /api/v1/sync`.
struct SyncRunRequest: Decodable {
    var source: String?
    var datasets: [String]?
    var start_date: String?
    var end_date: String?
    var full: Bool?

    static let schema = #"""
        {"type":"object","additionalProperties":false,"properties":{"source":{"type":"string","enum":["tushare","sample"],"description":"Default: tushare when a token is configured, else sample"},"datasets":{"type":"array","items":{"type":"string"}},"start_date":{"type":"string","pattern":"^[0-9]{8}$"},"end_date":{"type":"string","pattern":"^[0-9]{8}$"},"full":{"type":"boolean"}}}
        """#

    func plan(
        _ configuration: StockSchoolConfiguration
    ) throws -> (name: String, request: SyncRequest, makeSource: () throws -> any DataSource) {
        let source = source ?? (configuration.tushareToken != nil ? "tushare" : "sample")
        var selected = Dataset.allCases
        if let datasets {
            selected = try datasets.enumerated().map { i, name in
                guard let dataset = Dataset(rawValue: name) else {
                    throw APIError.invalidBody(
                        "unknown dataset '\(name)'; datasets are \(Dataset.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "datasets[\(i)]")
                }
                return dataset
            }
        }
        let start = try BodyDates.parse(start_date, field: "start_date")
        let end = try BodyDates.parse(end_date, field: "end_date")
        switch source {
        case "tushare":
            guard let token = configuration.tushareToken else {
                throw APIError.invalidBody(
                    "no Tushare token is configured on the server (TUSHARE_TOKEN)", field: "source")
            }
            let from = start ?? TradeDate(unchecked: 2020_01_02)
            let to = end ?? TradeDate.inBeijing(secondsSinceEpoch: Timestamp.now.secondsSinceEpoch)
            guard from <= to else { throw APIError.invalidBody("\(from) is after end_date \(to)", field: "start_date") }
            let request = SyncRequest(datasets: selected, start: from, end: to, full: full ?? false, concurrency: 8)
            return (
                "tushare", request,
                {
                    let limiter = StockSchoolSync.RateLimiter(
                        limits: StockSchoolSync.RateLimiter.tushareLimits(overriding: configuration.tushareLimits))
                    return TushareSource(
                        client: TushareClient(baseURL: configuration.tushareAPIURL, token: token, limiter: limiter))
                }
            )
        case "sample":
            let market = SampleMarketConfiguration(
                stocks: configuration.sampleStocks, start: start ?? configuration.sampleStart,
                end: end ?? configuration.sampleEnd, seed: configuration.sampleSeed)
            guard market.start <= market.end else {
                throw APIError.invalidBody("\(market.start) is after end_date \(market.end)", field: "start_date")
            }
            let request = SyncRequest(
                datasets: selected, start: market.start, end: market.end, full: full ?? false, concurrency: 1)
            return (SampleSource.name(for: market), request, { try SampleSource(market) })
        default:
            throw APIError.invalidBody("must be tushare or sample", field: "source")
        }
    }
}
