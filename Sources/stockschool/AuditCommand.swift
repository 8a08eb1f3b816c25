import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolServer
import StockSchoolStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The API's audit trail: every POST, PUT and DELETE, whatever its outcome.",
        subcommands: [AuditListCommand.self])
}

struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The newest audit entries, newest first.",
        discussion: """
            Each entry: time, key name and role (none for a request without a valid key), method,
            route, status, duration, client address, and the request summary with secrets masked.

            Examples:
              stockschool audit list --limit 20
              stockschool audit list --json | jq '.items[] | select(.status >= 400)'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("How many entries.", valueName: "n"))
    var limit = 50

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1–100000, got \(limit)") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let entries = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await AuditLogStore(store).recent(limit: limit)
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
            print("No audit entries yet.")
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
