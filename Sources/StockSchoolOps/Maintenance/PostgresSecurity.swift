import Crypto
import Foundation
import StockSchoolCore
import StockSchoolStore
import _CryptoExtras

/// The manual's 数据库安全 statements: a read-only role and the server's audit logging.
public struct PostgresSecurity: Sendable {
    let maintenance: DatabaseMaintenance

    public init(_ store: any MarketStore) {
        maintenance = DatabaseMaintenance(store)
    }

    var store: any MarketStore { maintenance.store }

    public enum RoleOutcome: String, Sendable, Encodable { case created, updated }

    /// Creates (or, when it exists, updates) a login role that can read every table of the
    /// current schema and nothing else: CONNECT on the database, USAGE on the schema, SELECT on
    /// all tables, and SELECT by default on tables the current user creates later (migrations).
    ///
    /// The password goes to the server as a SCRAM-SHA-256 verifier computed here, so the clear
    /// password appears in no statement and therefore in no server log, even with
    /// `log_statement = 'all'`. Names are quoted by the server (`format('%I')`).
    public func createReadOnlyRole(name: String, password: String) async throws -> RoleOutcome {
        try maintenance.requirePostgres("db create-readonly-user", why: "SQLite has no users or privileges")
        guard !name.isEmpty, name.utf8.count <= 63 else {
            throw StockSchoolError.invalidArgument(name: "NAME", reason: "a role name is 1–63 bytes, got '\(name)'")
        }
        guard !password.isEmpty else {
            throw StockSchoolError.invalidArgument(name: "password", reason: "must not be empty")
        }
        let exists =
            try await store.query(SQLStatement("SELECT count(*) FROM pg_roles WHERE rolname = ?", [.text(name)]))
            .first?.first?.int ?? 0 > 0
        let verifier = try Self.scramVerifier(password: password)
        let verb =
            exists
            ? "ALTER ROLE %I WITH LOGIN PASSWORD %L"
            : "CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L"
        let statements = [
            (verb, [SQLValue.text(name), .text(verifier)]),
            ("GRANT CONNECT ON DATABASE %I TO %I", [.text(try await maintenance.currentDatabase()), .text(name)]),
            ("GRANT USAGE ON SCHEMA %I TO %I", [.text(try await currentSchema()), .text(name)]),
            ("GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I", [.text(try await currentSchema()), .text(name)]),
            (
                "ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %I",
                [.text(try await currentSchema()), .text(name)]
            ),
        ]
        var sql: [SQLStatement] = []
        for (template, arguments) in statements {
            // format() is variadic over "any": the arguments need an explicit type.
            let placeholders = arguments.map { _ in "?::text" }.joined(separator: ", ")
            guard
                let text = try await store.query(
                    SQLStatement("SELECT format(?::text, \(placeholders))", [.text(template)] + arguments)
                ).first?.first?.string
            else { throw MaintenanceError("the server did not format \(template)") }
            sql.append(SQLStatement(text))
        }
        try await store.execute(atomically: sql)
        return exists ? .updated : .created
    }

    /// The settings `db maintain --audit-logging` applies: the manual's values.
    public static let auditSettings = [("log_statement", "all"), ("log_min_duration_statement", "1000")]

    /// `ALTER SYSTEM SET` the manual's audit settings (or `RESET` them when `enable` is false)
    /// and reloads the configuration. Needs a superuser; returns the settings now pending or in
    /// effect.
    public func auditLogging(enable: Bool) async throws -> [(String, String)] {
        try maintenance.requirePostgres("db maintain --audit-logging", why: "it sets PostgreSQL's own logging")
        let superuser = try await store.query(SQLStatement("SELECT current_setting('is_superuser')")).first?.first?
            .string
        guard superuser == "on" else {
            throw MaintenanceError(
                "ALTER SYSTEM needs a PostgreSQL superuser, and the store's user is not one; connect as a superuser (e.g. --store postgres://postgres@host/db) or have one run: "
                    + Self.auditSettings.map { "ALTER SYSTEM SET \($0.0) = '\($0.1)';" }.joined(separator: " ")
                    + " SELECT pg_reload_conf();")
        }
        for (name, value) in Self.auditSettings {
            // ALTER SYSTEM refuses to run in a transaction: one statement each.
            try await store.query(
                SQLStatement(enable ? "ALTER SYSTEM SET \(name) = '\(value)'" : "ALTER SYSTEM RESET \(name)"))
        }
        try await store.query(SQLStatement("SELECT pg_reload_conf()"))
        let rows = try await store.query(
            SQLStatement(
                "SELECT name, coalesce(setting, '') FROM pg_file_settings WHERE name IN ('log_statement', 'log_min_duration_statement') AND applied ORDER BY seqno"
            ))
        return rows.compactMap { row in
            guard row.count == 2, let name = row[0].string, let value = row[1].string else { return nil }
            return (name, value)
        }
    }

    func currentSchema() async throws -> String {
        guard let name = try await store.query(SQLStatement("SELECT current_schema()")).first?.first?.string else {
            throw MaintenanceError("no current schema (search_path is empty)")
        }
        return name
    }

    /// A SCRAM-SHA-256 password verifier as PostgreSQL stores it (RFC 5802/7677):
    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, all base64. PostgreSQL accepts
    /// a verifier in place of a password and stores it as is.
    static func scramVerifier(password: String, salt: [UInt8]? = nil, iterations: Int = 4096) throws -> String {
        let saltBytes = salt ?? (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let salted = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: saltBytes, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
        let clientKey = HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: salted)
        let serverKey = HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: salted)
        let storedKey = SHA256.hash(data: Array(clientKey))
        func base64(_ bytes: some Sequence<UInt8>) -> String { Data(bytes).base64EncodedString() }
        return "SCRAM-SHA-256$\(iterations):\(base64(saltBytes))$\(base64(storedKey)):\(base64(serverKey))"
    }
}
