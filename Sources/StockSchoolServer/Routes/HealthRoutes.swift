import Foundation
import Hummingbird
import StockSchoolOps
import StockSchoolStore
import StockSchoolSync

/// `GET /api/health` (dependencies, with latencies) and `GET /api/health/live` (the process
/// answers). Only an unreachable database makes the service unhealthy (503): without a cache the
/// API still answers from the store, and stale data is served correctly, so both are reported as
/// `degraded` with a 200. Each store check answers within `ServerSettings.dependencyCheckTimeout`: a
/// database that hangs (every pooled connection busy, a host that stopped answering) is reported
/// as failing, not waited for, so a probe with its own short timeout still learns which check
/// failed.
enum HealthRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/health", summary: "Liveness plus database, cache and sync-freshness checks.", tag: "operations",
            access: .open, handler: health),
        APIRoute(
            .get, "/api/health/live", summary: "Bare liveness probe: 200 while the process serves requests.",
            tag: "operations", access: .open
        ) { _ in Reply.json { $0.object { $0.field("status", "ok") } } },
    ]

    struct Check {
        var name: String
        var status: String  // ok | degraded | failing
        var latencyMS: Double?
        var message: String?
        var extra: [(String, Double?)] = []
    }

    static func health(_ call: RouteCall) async throws -> Reply {
        let services = call.services
        let clock = ContinuousClock()
        var checks: [Check] = []

        let store = services.store
        let limit = services.settings.dependencyCheckTimeout
        let dbStart = clock.now
        do {
            let latency = try await DatabaseProbe.ping(store, within: limit)
            checks.append(Check(name: "database", status: "ok", latencyMS: milliseconds(latency)))
        } catch {
            checks.append(
                Check(
                    name: "database", status: "failing", latencyMS: milliseconds(clock.now - dbStart),
                    message: "\(error)"))
        }

        do {
            let latency = try await services.cache.ping()
            checks.append(Check(name: "cache", status: "ok", latencyMS: milliseconds(latency)))
        } catch {
            checks.append(
                Check(
                    name: "cache", status: "degraded", latencyMS: nil,
                    message: "\(error); requests are served from the store"))
        }

        if checks[0].status == "ok" {
            let start = clock.now
            do {
                let status = try await withDeadline(limit, "the sync status") {
                    try await SyncStatus.load(store: store)
                }
                let worst = status.datasets.compactMap(\.lagHours).max()
                let stale = worst.map { $0 > services.settings.syncLagWarningHours } ?? true
                checks.append(
                    Check(
                        name: "sync", status: stale ? "degraded" : "ok", latencyMS: milliseconds(clock.now - start),
                        message: stale
                            ? (worst.map {
                                "data is \(String(format: "%.1f", $0)) h behind the expected latest trade date"
                            }
                                ?? "nothing synced yet; run `stockschool sync`") : nil,
                        extra: [("lag_hours", worst), ("quality", status.overallQuality)]))
            } catch {
                checks.append(
                    Check(
                        name: "sync", status: "degraded", latencyMS: milliseconds(clock.now - start),
                        message: "\(error)"))
            }
        }

        let failing = checks.filter { $0.status == "failing" }.map(\.name)
        let overall = !failing.isEmpty ? "failing" : checks.contains { $0.status == "degraded" } ? "degraded" : "ok"
        return Reply.json(
            { w in
                w.object { o in
                    o.field("status", overall)
                    if !failing.isEmpty { o.field("failing") { $0.array(failing) { $0.value($1) } } }
                    o.field("checks") { c in
                        c.object { fields in
                            for check in checks {
                                fields.field(check.name) { v in
                                    v.object { f in
                                        f.field("status", check.status)
                                        f.field("latency_ms", check.latencyMS)
                                        if let message = check.message { f.field("message", message) }
                                        for (key, value) in check.extra { f.field(key, value) }
                                    }
                                }
                            }
                        }
                    }
                }
            }, status: failing.isEmpty ? .ok : .serviceUnavailable)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        // Whole microseconds, in milliseconds.
        return ((Double(seconds) * 1e6 + Double(attoseconds) / 1e12).rounded()) / 1000
    }
}
