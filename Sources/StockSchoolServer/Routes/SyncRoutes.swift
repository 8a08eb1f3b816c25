import Foundation
import StockSchoolSync

/// Sync: start a run (admin) and the status the operations manual probes.
enum SyncRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .post, "/api/v1/sync", summary: "Start a sync run in the background (admin).", tag: "sync", access: .admin,
            body: RouteBody(schema: "{\"type\":\"object\"}"), successStatus: 202
        ) { _ in throw APIError.notImplemented("POST /api/v1/sync lands with issue 6's sync part") },
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
}
