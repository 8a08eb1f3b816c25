import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore

/// The operations views behind the dashboard's overview: active alerts, the newest backups and
/// the server's own request rate and latency. Open like the other probes under `/monitoring/`.
enum MonitoringRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/monitoring/alerts", summary: "Alerts pending or firing now, most severe first.",
            tag: "operations", access: .open, handler: alerts),
        APIRoute(
            .get, "/monitoring/backups",
            summary: "The newest complete backups, and the backup check's verdict on their age.", tag: "operations",
            access: .open, parameters: [.query("limit", .integer(1...100), "How many (default 5).")],
            handler: backups),
        APIRoute(
            .get, "/monitoring/requests",
            summary: "Requests this server answered in the last minute: rate and p95 latency.", tag: "operations",
            access: .open, handler: requests),
    ]

    static func alerts(_ call: RouteCall) async throws -> Reply {
        let active = try await AlertStore(call.services.store).active().sorted {
            ($0.alert.level, $1.alert.startsAt) > ($1.alert.level, $0.alert.startsAt)
        }
        let iso = ISO8601DateFormatter()
        return Reply.json { w in
            w.object { o in
                o.field("items") { w in
                    w.array(active) { w, record in
                        w.object { o in
                            o.field("alertname", record.alert.name)
                            o.field("level", record.alert.level.rawValue)
                            o.field("status", record.alert.status.rawValue)
                            o.field("summary", record.alert.summary)
                            o.field("description", record.alert.description)
                            o.field("value", record.alert.value)
                            o.field("starts_at", iso.string(from: record.alert.startsAt))
                            o.field("silenced", record.silenced)
                        }
                    }
                }
                o.field("total", active.count)
            }
        }
    }

    static func backups(_ call: RouteCall) async throws -> Reply {
        let limit = try call.query.int("limit", in: 1...100) ?? 5
        let configuration = call.services.configuration
        let directory = configuration.ops.backupDirectory
        let entries = BackupCatalog(directory: directory).entries()
        let complete = entries.compactMap(\.manifest).reversed().prefix(limit)
        let check = HealthChecker(configuration: configuration, apiURL: nil).backupCheck(now: .now)
        return Reply.json { w in
            w.object { o in
                o.field("directory", directory)
                o.field("status", check.level.rawValue)
                o.field("message", check.message)
                o.field("age_hours", check.values["age_hours"])
                o.field("incomplete", entries.filter { $0.manifest == nil }.count)
                o.field("items") { w in
                    w.array(complete) { w, manifest in
                        w.object { o in
                            o.field("id", manifest.id)
                            o.field("kind", manifest.kind.rawValue)
                            o.field("tag", manifest.tag?.rawValue)
                            o.field("created_at", manifest.createdAt)
                            o.field("finished_at", manifest.finishedAt)
                            o.field("backend", manifest.backend)
                            o.field("bytes", manifest.totalBytes)
                            o.field("rows", manifest.rowCounts.values.reduce(0, +))
                        }
                    }
                }
            }
        }
    }

    static func requests(_ call: RouteCall) async throws -> Reply {
        let summary = call.services.metrics.window.summary()
        return Reply.json { w in
            w.object { o in
                o.field("window_seconds", summary.seconds)
                o.field("requests", summary.requests)
                o.field("rate_per_second", summary.rate)
                o.field("p95_seconds", summary.p95)
                o.field("in_flight", call.services.metrics.requestsInFlight)
            }
        }
    }
}
