import Foundation
import StockSchoolCore
import StockSchoolServer
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// Authentication and authorisation over real HTTP on both stores: who may call which route,
/// 401 versus 403, revoked and malformed keys.
@Suite struct AuthTests {
    /// The write routes and the role each needs.
    static let writeRoutes: [(path: String, role: APIAccess)] = [
        ("/api/v1/factors/evaluate", .analyst), ("/api/v1/backtests", .analyst), ("/api/v1/sync", .admin),
    ]

    static func bearer(_ secret: String) -> [(String, String)] { [("Authorization", "Bearer \(secret)")] }

    /// One key per role, named after it.
    static func keys(_ server: TestServer) async throws -> [APIAccess: String] {
        var secrets: [APIAccess: String] = [:]
        for role in APIKeyStore.roles {
            secrets[role] = try await APIKeyStore(server.store).create(name: "key-\(role.rawValue)", role: role).secret
        }
        return secrets
    }

    @Test(arguments: TestBackend.available)
    func writeRoutesNeedTheirRole(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            let secrets = try await Self.keys(server)
            for (path, needed) in Self.writeRoutes {
                // A body that is not the route's object: allowed callers get past the access check
                // and are stopped by validation (or a 501), never by authorisation; nothing starts.
                let anonymous = try await server.post(path, json: "[]")
                #expect(anonymous.status == 401, "\(path)")
                #expect(anonymous.errorCode == "unauthorized", "\(path)")
                #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true, "\(path)")
                let message = (anonymous.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("Authorization: Bearer"), "\(path): \(message)")
                #expect(message.contains(needed.rawValue), "\(path): \(message)")

                for role in APIKeyStore.roles {
                    let secret = try #require(secrets[role])
                    let answer = try await server.post(path, json: "[]", headers: Self.bearer(secret))
                    if role >= needed {
                        #expect(answer.status != 401 && answer.status != 403, "\(path) as \(role): \(answer.text)")
                    } else {
                        #expect(answer.status == 403, "\(path) as \(role)")
                        #expect(answer.errorCode == "forbidden", "\(path) as \(role)")
                        let error = answer.json["error"] as? [String: Any]
                        let details = error?["details"] as? [String: String]
                        #expect(details?["required_role"] == needed.rawValue)
                        #expect(details?["role"] == role.rawValue)
                        #expect((error?["message"] as? String)?.contains("key-\(role.rawValue)") == true)
                    }
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func readsAreOpenUnlessConfigured(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            let secrets = try await Self.keys(server)
            #expect(try await server.get("/api/v1/stocks").status == 200)
            let reader = try #require(secrets[.reader])
            #expect(try await server.get("/api/v1/stocks", headers: Self.bearer(reader)).status == 200)
        }
        try await TestServer.with(backend, sync: false, settings: { $0.requireKeyForReads = true }) { server in
            let secrets = try await Self.keys(server)
            let anonymous = try await server.get("/api/v1/stocks")
            #expect(anonymous.status == 401 && anonymous.errorCode == "unauthorized")
            #expect((anonymous.json["error"] as? [String: Any])?["message"] as? String ?? "" != "")
            for role in APIKeyStore.roles {
                let secret = try #require(secrets[role])
                #expect(try await server.get("/api/v1/stocks", headers: Self.bearer(secret)).status == 200, "\(role)")
            }
            // Probes and scrapes never need a key.
            #expect(try await server.get("/api/health/live").status == 200)
            #expect(try await server.get("/metrics").status == 200)
            #expect(try await server.get("/openapi.json").status == 200)
        }
    }

    @Test(arguments: TestBackend.available)
    func malformedHeadersAndUnknownKeysAre401(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            let unknown = "ss_" + String(repeating: "ab", count: 32)
            for header in [
                "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token \(unknown)", "Bearer ss_123", "Bearer \(unknown)x",
                "Bearer \(unknown.uppercased())", "Bearer \(unknown)",
            ] {
                // Even on open routes: a key that does not work must not pass as no key.
                for path in ["/api/health/live", "/api/v1/stocks"] {
                    let answer = try await server.get(path, headers: [("Authorization", header)])
                    #expect(answer.status == 401, "\(header) on \(path)")
                    #expect(answer.errorCode == "unauthorized", "\(header) on \(path)")
                    #expect(!answer.text.contains(unknown), "the secret is not echoed")
                }
            }
            // The scheme is case-insensitive.
            let key = try await APIKeyStore(server.store).create(name: "casual", role: .reader)
            let lower = try await server.get("/api/v1/stocks", headers: [("Authorization", "bearer \(key.secret)")])
            #expect(lower.status == 200)
        }
    }

    @Test(arguments: TestBackend.available)
    func revokedKeysStopWorkingWithinTheCacheLifetime(_ backend: TestBackend) async throws {
        try await TestServer.with(
            backend, sync: false,
            settings: {
                $0.requireKeyForReads = true
                $0.keyCacheLifetime = .milliseconds(200)
            }
        ) { server in
            let keys = APIKeyStore(server.store)
            let key = try await keys.create(name: "notebook", role: .analyst)
            #expect(try await server.get("/api/v1/stocks", headers: Self.bearer(key.secret)).status == 200)

            // last_used_at is written in the background, soon after the first use.
            var used: Timestamp?
            for _ in 0..<50 where used == nil {
                used = try await keys.list().first { $0.name == "notebook" }?.lastUsedAt
                if used == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(used != nil)

            try await keys.revoke(name: "notebook")
            try await Task.sleep(for: .milliseconds(400))
            let answer = try await server.get("/api/v1/stocks", headers: Self.bearer(key.secret))
            #expect(answer.status == 401)
            let message = (answer.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("revoked") && message.contains("notebook"), "\(message)")
            let write = try await server.post("/api/v1/backtests", json: "[]", headers: Self.bearer(key.secret))
            #expect(write.status == 401)

            // The name is free again once revoked; the new key works and the old stays dead.
            let renewed = try await keys.create(name: "notebook", role: .reader)
            #expect(try await server.get("/api/v1/stocks", headers: Self.bearer(renewed.secret)).status == 200)
            #expect(try await server.get("/api/v1/stocks", headers: Self.bearer(key.secret)).status == 401)
        }
    }

    @Test(arguments: TestBackend.available)
    func keyStoreKeepsOnlyHashesAndUniqueActiveNames(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let keys = APIKeyStore(store)
            let created = try await keys.create(name: "ops", role: .admin)
            #expect(created.secret.hasPrefix("ss_") && created.secret.count == 67)
            #expect(created.record.prefix == String(created.secret.prefix(11)))
            let stored = try await store.query(SQLStatement("SELECT key_hash, prefix FROM api_keys"))
            #expect(stored.count == 1)
            let hash = try #require(stored.first?.first?.string)
            #expect(hash.count == 64 && hash != created.secret && !hash.contains(created.secret.dropFirst(3)))

            await #expect(throws: StockSchoolError.self) { try await keys.create(name: "ops", role: .reader) }
            await #expect(throws: StockSchoolError.self) { try await keys.create(name: "bad name", role: .reader) }
            await #expect(throws: StockSchoolError.self) { try await keys.create(name: "x", role: .open) }
            await #expect(throws: StockSchoolError.self) { try await keys.revoke(name: "nobody") }

            let other = try await keys.create(name: "ops2", role: .reader)
            #expect(other.secret != created.secret)
            try await keys.revoke(name: "ops")
            await #expect(throws: StockSchoolError.self) { try await keys.revoke(name: "ops") }
            let listed = try await keys.list()
            #expect(listed.map(\.name) == ["ops", "ops2"])
            #expect(listed.first?.revokedAt != nil && listed.last?.revokedAt == nil)
            #expect(listed.first?.role == .admin)
        }
    }
}
