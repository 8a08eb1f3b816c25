import StockSchoolRedis
import StockSchoolServer
import StockSchoolTestSupport
import Testing

/// AUTH and SELECT against a private `redis-server --requirepass secret`.
@Suite(.enabled(if: TestRedis.isEnabled)) struct RedisAuthTests {
    @Test func passwordUserAndDatabase() async throws {
        try await RedisServerProcess.with(password: "secret") { server in
            // Correct password, no user: AUTH secret.
            let redis = try RedisClient(url: server.url())
            try await redis.set("k", Array("db0".utf8))
            #expect(try await redis.get("k") == Array("db0".utf8))

            // With the ACL default user: AUTH default secret.
            let withUser = try RedisClient(url: "redis://default:secret@127.0.0.1:\(server.port)/0")
            #expect(try await withUser.get("k") == Array("db0".utf8))

            // SELECT 3: a separate keyspace.
            let db3 = try RedisClient(url: server.url(database: 3))
            #expect(try await db3.get("k") == nil)
            try await db3.set("k", Array("db3".utf8))
            #expect(try await db3.get("k") == Array("db3".utf8))
            #expect(try await redis.get("k") == Array("db0".utf8))

            for client in [redis, withUser, db3] { await client.shutdown() }
        }
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        try await RedisServerProcess.with(password: "secret") { server in
            let configuration = try RedisConfiguration(url: server.url(password: "wrong"))
            await #expect {
                _ = try await RedisConnection.connect(configuration)
            } throws: { error in
                guard case .authenticationFailed(let address, let message) = error as? RedisError else {
                    return false
                }
                let text = "\(error)"
                return address == "127.0.0.1:\(server.port)" && message.contains("WRONGPASS")
                    && text.contains("STOCKSCHOOL_REDIS_URL") && !text.contains("wrong")
            }
        }
    }

    @Test func missingPasswordSaysTheServerWantsOne() async throws {
        try await RedisServerProcess.with(password: "secret") { server in
            let redis = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: server.port))
            await #expect {
                _ = try await redis.get("k")
            } throws: { error in
                guard case .server(_, _, let message) = error as? RedisError else { return false }
                return message.hasPrefix("NOAUTH") && "\(error)".contains("requires a password")
            }
            await redis.shutdown()
        }
    }

    @Test func databaseOutOfRangeFailsTheConnect() async throws {
        try await RedisServerProcess.with(password: "secret") { server in
            // redis-server has 16 databases (0...15) unless configured otherwise.
            let configuration = try RedisConfiguration(url: server.url(database: 16))
            await #expect {
                _ = try await RedisConnection.connect(configuration)
            } throws: { error in
                guard case .server(_, let command, let message) = error as? RedisError else { return false }
                return command == "SELECT" && message.contains("out of range")
            }
        }
    }
}
