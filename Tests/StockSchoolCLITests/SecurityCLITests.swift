import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `stockschool secrets`, `db` maintenance and `audit` filters, run as the real binary.
@Suite struct SecurityCLITests {
    // The Fernet spec's key and its "hello" token (github.com/fernet/spec, generate.json).
    static let specKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let specToken =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="

    @Test func secretsRoundTripAndDecryptTheSpecVector() async throws {
        let generated = try await CLITests.run(["secrets", "generate-key"])
        #expect(generated.status == 0)
        let key = generated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.count == 44)
        let environment = ["STOCKSCHOOL_SECRET_KEY": key]
        let encrypted = try await CLITests.run(
            ["secrets", "encrypt", "--value", "tushare-秘密"], environment: environment)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        let token = encrypted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("fernet:gAAAAA"))
        let decrypted = try await CLITests.run(["secrets", "decrypt", token], environment: environment)
        #expect(decrypted.stdout == "tushare-秘密\n")

        let spec = try await CLITests.run(
            ["secrets", "decrypt", Self.specToken], environment: ["STOCKSCHOOL_SECRET_KEY": Self.specKey])
        #expect(spec.status == 0)
        #expect(spec.stdout == "hello\n")
        let wrongKey = try await CLITests.run(["secrets", "decrypt", Self.specToken], environment: environment)
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("HMAC"))
        let noKey = try await CLITests.run(["secrets", "decrypt", Self.specToken])
        #expect(noKey.status != 0)
        #expect(noKey.stderr.contains("STOCKSCHOOL_SECRET_KEY"))
    }

    @Test func encryptedConfigValueIsUsedAndAMissingKeyNamesTheLine() async throws {
        let directory = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        let yaml = "log:\n  level: info\ndatabase:\n  url: \"fernet:\(Self.specToken)\"\n"
        try yaml.write(to: directory.appendingPathComponent("stockschool.yaml"), atomically: true, encoding: .utf8)
        let missing = try await CLITests.run(["db", "stats"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("database.url"))
        #expect(missing.stderr.contains("line 4"))
        #expect(missing.stderr.contains("STOCKSCHOOL_SECRET_KEY"))
        // With the key, the value decrypts ("hello", not a store URL): the URL check now speaks.
        let decrypted = try await CLITests.run(
            ["db", "stats"], in: directory, environment: ["STOCKSCHOOL_SECRET_KEY": Self.specKey])
        #expect(decrypted.stderr.contains("'hello'"))
        _ = store
    }

    @Test func maintainAndBloatOnSQLiteAndPostgresOnlyCommandsExit2() async throws {
        try await TestStore.scoped(.sqlite) { test in
            let maintain = try await CLITests.run(["db", "maintain", "--store", test.url])
            #expect(maintain.status == 0, "\(maintain.stderr)")
            for word in ["ANALYZE", "VACUUM", "REINDEX", "integrity"] { #expect(maintain.stdout.contains(word)) }
            let bloat = try await CLITests.run(["db", "bloat", "--store", test.url])
            #expect(bloat.status == 0)
            #expect(bloat.stdout.contains("stock_daily"))
            for command in [["slow-queries"], ["connections"], ["terminate-idle"], ["create-readonly-user", "ro"]] {
                let result = try await CLITests.run(["db"] + command + ["--store", test.url])
                #expect(result.status == 2, "\(command)")
                #expect(result.stderr.contains("PostgreSQL only"), "\(command): \(result.stderr)")
            }
            let badDuration = try await CLITests.run([
                "db", "terminate-idle", "--older-than", "soon", "--store", test.url,
            ])
            #expect(badDuration.status == 2)
        }
    }

    @Test func auditFiltersBySinceAndMethod() async throws {
        try await TestStore.scoped(.sqlite) { test in
            let now = Timestamp.now
            let old = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - 3 * 86_400)
            for (at, method, path) in [
                (old, "POST", "/old"), (now, "POST", "/new-post"), (now, "DELETE", "/new-delete"),
            ] {
                try await test.store.query(
                    SQLStatement(
                        "INSERT INTO audit_log (at, method, route, path, status, duration_ms) VALUES (?, ?, ?, ?, 200, 1.0)",
                        [.text(at.iso8601), .text(method), .text(path), .text(path)]))
            }
            let all = try await CLITests.run(["audit", "--store", test.url])
            #expect(all.status == 0, "\(all.stderr)")
            for path in ["/old", "/new-post", "/new-delete"] { #expect(all.stdout.contains(path)) }
            let recentPosts = try await CLITests.run([
                "audit", "--since", "24h", "--method", "post", "--store", test.url,
            ])
            #expect(recentPosts.status == 0)
            #expect(recentPosts.stdout.contains("/new-post"))
            #expect(!recentPosts.stdout.contains("/old"))
            #expect(!recentPosts.stdout.contains("/new-delete"))
            let bad = try await CLITests.run(["audit", "--since", "yesterday-ish", "--store", test.url])
            #expect(bad.status == 2)
        }
    }
}
