import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolServer
import StockSchoolStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The API's audit trail: every POST, PUT and DELETE, whatever its outcome.",
        subcommands: [AuditListCommand.self], defaultSubcommand: AuditListCommand.self)
}

struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The newest audit entries, newest first (the default: `stockschool audit` lists).",
        discussion: """
            Each entry: time, key name and role (none for a request without a valid key),
            method, route, status, duration, client address, and the request summary with
            secrets, phone numbers and e-mail addresses masked.

            --since takes a duration back from now (30m, 24h, 7d) or a UTC date or time
            (2026-11-01, 20261101, 2026-11-01T08:00:00Z).

            Examples:
              stockschool audit --since 24h --method POST
              stockschool audit list --limit 20
              stockschool audit --json | jq '.items[] | select(.status >= 400)'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("How many entries.", valueName: "n"))
    var limit = 50

    @Option(help: ArgumentHelp("Only entries since then: 24h, 7d, 2026-11-01 (UTC).", valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("Only this HTTP method: POST, PUT, DELETE.", valueName: "method"))
    var method: String?

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1–100000, got \(limit)") }
        if let since, Self.parseSince(since, now: .now) == nil {
            throw ValidationError(
                "--since '\(since)' is neither a duration (30m, 24h, 7d) nor a date (2026-11-01, 20261101, 2026-11-01T08:00:00Z)"
            )
        }
        if let method, !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method.uppercased()) {
            throw ValidationError("--method must be GET, POST, PUT, PATCH or DELETE, got '\(method)'")
        }
    }

    /// `24h` → now − 24 h; `2026-11-01` / `20261101` → that day's midnight UTC; or an ISO time.
    static func parseSince(_ text: String, now: Timestamp) -> Timestamp? {
        if let duration = AlertDuration.parse(text), duration > .zero {
            return Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - Double(duration.components.seconds))
        }
        if let stamp = Timestamp(iso8601: text) { return stamp }
        let digits = text.replacingOccurrences(of: "-", with: "")
        if digits.count == 8, let date = try? TradeDate(digits) {
            return Timestamp(secondsSinceEpoch: Double(date.daysSinceEpoch) * 86_400)
        }
        return nil
    }

    func run() async throws {
        let configuration = try global.configuration()
        let entries = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await AuditLogStore(store).entries(
                since: since.flatMap { Self.parseSince($0, now: .now) }, method: method, limit: limit)
        }
        if global.json {
            struct Item: Encodable {
                let at: String
                let key_name: String?
                let role: String?
                let method: String
                let route: String
                let path: String
                let status: Int
                let duration_ms: Double
                let client: String?
                let details: String?
            }
            struct Items: Encodable { let items: [Item] }
            try Output.json(
                Items(
                    items: entries.map {
                        Item(
                            at: $0.at.iso8601, key_name: $0.keyName, role: $0.role, method: $0.method, route: $0.route,
                            path: $0.path, status: $0.status, duration_ms: $0.durationMilliseconds, client: $0.client,
                            details: $0.details)
                    }))
            return
        }
        guard !entries.isEmpty else {
            print(since == nil && method == nil ? "No audit entries yet." : "No audit entries match.")
            return
        }
        Output.table(
            ["at", "key", "role", "method", "path", "status", "ms", "client"],
            entries.map {
                [
                    $0.at.display, $0.keyName ?? "-", $0.role ?? "-", $0.method, $0.path, String($0.status),
                    String(format: "%.1f", $0.durationMilliseconds), $0.client ?? "",
                ]
            })
    }
}
