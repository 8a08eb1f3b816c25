/// The handful of commands StockSchool uses, typed; anything else goes through `send`.
extension RedisClient {
    /// `GET key`: the value, or `nil` when the key does not exist (or has expired).
    public func get(_ key: String) async throws -> [UInt8]? {
        let reply = try await send(["GET", key])
        switch reply {
        case .bulkString(let bytes): return bytes
        default: throw RedisError.unexpectedReply(command: "GET", reply: "\(reply)")
        }
    }

    /// `SET key value [PX milliseconds]`: stores `value`, expiring after `expiry` when given.
    /// Redis counts expiry in whole milliseconds; a positive expiry shorter than that rounds up
    /// to 1 ms instead of becoming an invalid `PX 0`.
    public func set(_ key: String, _ value: [UInt8], expiry: Duration? = nil) async throws {
        var command: [any RedisArgument] = ["SET", key, value]
        if let expiry { command += ["PX", Self.milliseconds(expiry)] }
        let reply = try await send(command)
        guard case .simpleString("OK") = reply else {
            throw RedisError.unexpectedReply(command: "SET", reply: "\(reply)")
        }
    }

    /// `DEL key…`: how many of `keys` existed.
    @discardableResult
    public func del(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await count(of: ["DEL"] + keys, "DEL")
    }

    /// `UNLINK key…`: like `del`, but the server frees the memory in the background, so deleting
    /// large values does not stall other clients.
    @discardableResult
    public func unlink(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await count(of: ["UNLINK"] + keys, "UNLINK")
    }

    /// `INCR key`: the value after incrementing (a missing key counts from 0).
    public func incr(_ key: String) async throws -> Int64 {
        let reply = try await send(["INCR", key])
        guard case .integer(let value) = reply else {
            throw RedisError.unexpectedReply(command: "INCR", reply: "\(reply)")
        }
        return value
    }

    /// `PING`, timed: the round trip to the server, for health checks.
    public func ping() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try await send(["PING"])
        guard case .simpleString("PONG") = reply else {
            throw RedisError.unexpectedReply(command: "PING", reply: "\(reply)")
        }
        return clock.now - start
    }

    /// `INFO [section]`: the server's report as text, `field:value` lines under `# Section`
    /// headers.
    public func info(_ section: String? = nil) async throws -> String {
        let reply = try await send(section.map { ["INFO", $0] } ?? ["INFO"])
        guard case .bulkString(let bytes?) = reply else {
            throw RedisError.unexpectedReply(command: "INFO", reply: "\(reply)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `SCAN cursor [MATCH pattern] [COUNT count]`: one step of an iteration over the keyspace.
    /// Start with cursor 0; the iteration is complete when the returned cursor is 0 again. Keys
    /// may repeat between steps (the server guarantees only that every key present throughout
    /// is returned at least once).
    public func scan(
        cursor: UInt64, match pattern: String? = nil, count: Int? = nil
    ) async throws -> (cursor: UInt64, keys: [String]) {
        var command: [any RedisArgument] = ["SCAN", cursor]
        if let pattern { command += ["MATCH", pattern] }
        if let count { command += ["COUNT", count] }
        let reply = try await send(command)
        guard let parts = reply.array, parts.count == 2, let next = parts[0].string.flatMap({ UInt64($0) }),
            let keys = parts[1].array
        else {
            throw RedisError.unexpectedReply(command: "SCAN", reply: "\(reply)")
        }
        return (next, keys.compactMap(\.string))
    }

    private func count(of command: [any RedisArgument], _ name: String) async throws -> Int {
        let reply = try await send(command)
        guard case .integer(let value) = reply else {
            throw RedisError.unexpectedReply(command: name, reply: "\(reply)")
        }
        return Int(value)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let whole = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let rest = attoseconds % 1_000_000_000_000_000
        return max(1, whole + (rest > 0 ? 1 : 0))
    }
}
