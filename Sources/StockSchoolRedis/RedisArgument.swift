/// One word of a Redis command. Every argument travels as a binary-safe bulk string, so text,
/// raw bytes and numbers can be mixed freely: `["SET", key, bytes, "PX", 300_000]`.
public protocol RedisArgument: Sendable {
    /// The argument's bytes as the server receives them.
    var redisBytes: [UInt8] { get }
}

extension String: RedisArgument {
    public var redisBytes: [UInt8] { Array(utf8) }
}

extension Substring: RedisArgument {
    public var redisBytes: [UInt8] { Array(utf8) }
}

extension Array: RedisArgument where Element == UInt8 {
    public var redisBytes: [UInt8] { self }
}

extension Int: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension Int64: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension UInt64: RedisArgument {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}
