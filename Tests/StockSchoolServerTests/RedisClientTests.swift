import StockSchoolRedis
import StockSchoolServer
import StockSchoolTestSupport
import Testing

/// The client against the shared test server; every test works under keys of its own.
@Suite(.enabled(if: TestRedis.isEnabled)) struct RedisClientTests {
    let prefix = TestRedis.uniquePrefix("client")

    func withClient<T>(poolSize: Int = 4, _ body: (RedisClient) async throws -> T) async throws -> T {
        var configuration = try RedisConfiguration(url: try TestRedis.url())
        configuration.poolSize = poolSize
        let client = RedisClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    @Test func setGetDel() async throws {
        try await withClient { redis in
            let key = prefix + "k"
            #expect(try await redis.get(key) == nil)
            try await redis.set(key, Array("value".utf8))
            #expect(try await redis.get(key) == Array("value".utf8))
            #expect(try await redis.del([key, prefix + "absent"]) == 1)
            #expect(try await redis.get(key) == nil)
        }
    }

    @Test func valuesAreBinarySafe() async throws {
        try await withClient { redis in
            let every = (0...255).map { UInt8($0) }
            try await redis.set(prefix + "bytes", every)
            #expect(try await redis.get(prefix + "bytes") == every)
            let empty: [UInt8] = []
            try await redis.set(prefix + "empty", empty)
            #expect(try await redis.get(prefix + "empty") == empty)
        }
    }

    @Test func largeValueRoundTrips() async throws {
        try await withClient { redis in
            let value = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try await redis.set(prefix + "large", value)
            #expect(try await redis.get(prefix + "large") == value)
        }
    }

    @Test func setWithExpiryUsesPX() async throws {
        try await withClient { redis in
            // Milliseconds on the wire: 10 s is PTTL 10000 at most (EX would make it 10000 s).
            try await redis.set(prefix + "ttl", [1], expiry: .seconds(10))
            let remaining = try await redis.send(["PTTL", prefix + "ttl"]).integer ?? -1
            #expect(remaining > 0 && remaining <= 10_000, "PTTL \(remaining) ms")

            try await redis.set(prefix + "short", [1], expiry: .milliseconds(200))
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await redis.get(prefix + "short") == nil)
        }
    }

    @Test func incrCountsFromZero() async throws {
        try await withClient { redis in
            let first = try await redis.incr(prefix + "n")
            let second = try await redis.incr(prefix + "n")
            #expect(first == 1)
            #expect(second == 2)
            #expect(try await redis.get(prefix + "n") == Array("2".utf8))
        }
    }

    @Test func pingAndInfo() async throws {
        try await withClient { redis in
            #expect(try await redis.ping() >= .zero)
            let info = try await redis.info("server")
            #expect(info.contains("redis_version:"))
        }
    }

    @Test func serverErrorCarriesTheServersMessage() async throws {
        try await withClient { redis in
            let key = prefix + "string"
            try await redis.set(key, [1])
            await #expect {
                _ = try await redis.send(["LPUSH", key, "x"])
            } throws: { error in
                guard case .server(_, let command, let message) = error as? RedisError else { return false }
                return command == "LPUSH" && message.hasPrefix("WRONGTYPE")
            }
            // The connection survives an error reply.
            #expect(try await redis.get(key) == [1])
        }
    }

    @Test func thousandCommandPipelineAnswersInOrder() async throws {
        try await withClient { redis in
            let key = prefix + "counter"
            let replies = try await redis.pipeline(Array(repeating: ["INCR", key], count: 1000))
            #expect(replies == (1...1000).map { RESPValue.integer(Int64($0)) })

            let sets: [[any RedisArgument]] = (0..<1000).map { ["SET", prefix + "p\($0)", "v\($0)"] }
            let gets: [[any RedisArgument]] = (0..<1000).map { ["GET", prefix + "p\($0)"] }
            let all = try await redis.pipeline(sets + gets)
            #expect(all.prefix(1000).allSatisfy { $0 == .simpleString("OK") })
            #expect(Array(all.suffix(1000)) == (0..<1000).map { RESPValue.bulkString("v\($0)") })
        }
    }

    @Test func errorReplyStaysInPlaceInAPipeline() async throws {
        try await withClient { redis in
            let key = prefix + "mixed"
            let replies = try await redis.pipeline([["SET", key, "1"], ["LPUSH", key, "x"], ["GET", key]])
            #expect(replies.count == 3)
            #expect(replies[0] == .simpleString("OK"))
            guard case .error(let message) = replies[1] else {
                Issue.record("expected an error reply, got \(replies[1])")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))
            #expect(replies[2] == .bulkString("1"))
        }
    }

    @Test func concurrentCallersShareThePool() async throws {
        try await withClient(poolSize: 3) { redis in
            let key = prefix + "shared"
            let replies = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<200 { group.addTask { try await redis.incr(key) } }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            // Each INCR saw a distinct value, so together they are exactly 1...200.
            #expect(replies.sorted() == Array(1...200))
        }
    }

    @Test func commandTimeoutThenReconnectOnNextUse() async throws {
        try await withClient(poolSize: 1) { redis in
            _ = try await redis.ping()
            // BLPOP on an empty list blocks server-side for 10 s, far beyond our 100 ms timeout;
            // returning well before the server would is what shows the client timed out.
            let start = ContinuousClock.now
            await #expect {
                _ = try await redis.send(["BLPOP", prefix + "empty", "10"], timeout: .milliseconds(100))
            } throws: { error in
                guard case .commandTimeout(_, let command, _) = error as? RedisError else { return false }
                return command == "BLPOP"
            }
            #expect(ContinuousClock.now - start < .seconds(9))
            // The timed-out connection was closed; the next command gets a fresh one.
            try await redis.set(prefix + "after", [2])
            #expect(try await redis.get(prefix + "after") == [2])
        }
    }

    @Test func closingFailsWhatIsPending() async throws {
        let connection = try await RedisConnection.connect(RedisConfiguration(url: try TestRedis.url()))
        let key = prefix + "never"
        let blocked = Task { try await connection.send(["BLPOP", key, "5"], timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        await connection.close()
        await #expect {
            _ = try await blocked.value
        } throws: { error in
            guard case .connectionClosed = error as? RedisError else { return false }
            return true
        }
        #expect(!connection.isOpen)
        await #expect(throws: RedisError.self) { _ = try await connection.send(["PING"]) }
    }

    @Test func shutDownClientRefusesCommands() async throws {
        let redis = try RedisClient(url: try TestRedis.url())
        _ = try await redis.ping()
        await redis.shutdown()
        await #expect(throws: RedisError.clientShutDown) { _ = try await redis.ping() }
    }
}
