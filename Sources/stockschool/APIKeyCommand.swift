import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolServer
import StockSchoolStore

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create, list and revoke the HTTP API's keys.",
        discussion: """
            Keys are sent as `Authorization: Bearer <key>`. Roles: reader (reads, when
            api.require_key_for_reads is on), analyst (also evaluations and backtests),
            admin (also syncs). Only a key's SHA-256 is stored: the secret is printed
            once, at creation. docs/api.md has the details.

            Examples:
              stockschool apikey create --role analyst --name notebook
              stockschool apikey list
              stockschool apikey revoke notebook
            """,
        subcommands: [APIKeyCreateCommand.self, APIKeyListCommand.self, APIKeyRevokeCommand.self])
}

extension APIAccess: ExpressibleByArgument {
    public init?(argument: String) {
        guard let role = APIAccess(rawValue: argument), APIKeyStore.roles.contains(role) else { return nil }
        self = role
    }

    public static var allValueStrings: [String] { APIKeyStore.roles.map(\.rawValue) }
}

struct APIKeyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a key and print its secret (once: it cannot be shown again).",
        discussion: """
            Examples:
              stockschool apikey create --role reader --name dashboard
              stockschool apikey create --role admin --name ops --json | jq -r .secret
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("reader, analyst or admin.", valueName: "role"))
    var role: APIAccess

    @Option(help: ArgumentHelp("A name unique among active keys: letters, digits, '.', '_', '-'.", valueName: "name"))
    var name: String

    func run() async throws {
        let configuration = try global.configuration()
        let created = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await APIKeyStore(store).create(name: name, role: role)
        }
        if global.json {
            try Output.json(APIKeyJSON(created.record, secret: created.secret))
            return
        }
        print("Created API key '\(created.record.name)' with role \(created.record.role.rawValue).")
        print("Its secret is shown only now; only its hash is stored:\n")
        print("  \(created.secret)\n")
        print(
            "Send it as: curl -H 'Authorization: Bearer <key>' http://\(configuration.serverHost):\(configuration.serverPort)/api/v1/stocks"
        )
    }
}

struct APIKeyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every key, active and revoked: name, role, prefix, created, last used, revoked.",
        discussion: """
            Secrets and their hashes are never shown; the prefix tells keys apart. "last
            used" is updated at most once a minute per key.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let keys = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await APIKeyStore(store).list()
        }
        if global.json {
            try Output.json(APIKeyListJSON(items: keys.map { APIKeyJSON($0, secret: nil) }))
            return
        }
        guard !keys.isEmpty else {
            print("No API keys yet; create one with `stockschool apikey create --role reader --name NAME`.")
            return
        }
        Output.table(
            ["name", "role", "prefix", "created", "last used", "revoked"],
            keys.map {
                [
                    $0.name, $0.role.rawValue, $0.prefix + "…", $0.createdAt.display,
                    $0.lastUsedAt?.display ?? "never", $0.revokedAt?.display ?? "",
                ]
            })
    }
}

struct APIKeyRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke the active key with this name: requests with it get 401 within seconds.",
        discussion: """
            Running servers trust a key lookup for 5 seconds, so a revoked key stops
            working within that time on every replica.

            Example:
              stockschool apikey revoke notebook
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The key's name, as `apikey list` shows it.", valueName: "name"))
    var name: String

    func run() async throws {
        let configuration = try global.configuration()
        let record = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await APIKeyStore(store).revoke(name: name)
        }
        if global.json {
            try Output.json(APIKeyJSON(record, secret: nil))
            return
        }
        print("Revoked API key '\(record.name)' (\(record.prefix)…, role \(record.role.rawValue)).")
    }
}

/// A key as `--json` prints it; `secret` only from `create`.
struct APIKeyJSON: Encodable {
    let name: String
    let role: String
    let prefix: String
    let created_at: String
    let last_used_at: String?
    let revoked_at: String?
    let active: Bool
    let secret: String?

    init(_ record: APIKeyRecord, secret: String?) {
        name = record.name
        role = record.role.rawValue
        prefix = record.prefix
        created_at = record.createdAt.iso8601
        last_used_at = record.lastUsedAt?.iso8601
        revoked_at = record.revokedAt?.iso8601
        active = record.isActive
        self.secret = secret
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(last_used_at, forKey: .last_used_at)
        try container.encode(revoked_at, forKey: .revoked_at)
        try container.encode(active, forKey: .active)
        try container.encodeIfPresent(secret, forKey: .secret)
    }

    enum CodingKeys: String, CodingKey {
        case name, role, prefix, created_at, last_used_at, revoked_at, active, secret
    }
}

struct APIKeyListJSON: Encodable {
    let items: [APIKeyJSON]
}

extension Timestamp {
    /// `2024-06-28 09:30:00Z`: to the second, for tables.
    var display: String {
        String(iso8601.prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }
}
