/// One value of the Redis serialization protocol, version 2 (RESP2): everything a Redis server
/// can reply, and — as an array of bulk strings — everything a client sends.
///
/// RESP2 distinguishes an empty bulk string (`$0`) from a missing one (`$-1`, what `GET` answers
/// for an absent key) and an empty array from a null one (`*-1`); the optional payloads keep that
/// distinction instead of folding "absent" into "empty".
public enum RESPValue: Sendable, Hashable {
    /// `+OK\r\n`: a short status line; it cannot contain CR or LF.
    case simpleString(String)
    /// `-ERR message\r\n`: the server refused the command. It is a reply, not a broken connection:
    /// the commands pipelined after it still get their own replies.
    case error(String)
    /// `:42\r\n`
    case integer(Int64)
    /// `$5\r\nhello\r\n`, binary-safe; `nil` is the null bulk string `$-1\r\n`.
    case bulkString([UInt8]?)
    /// `*2\r\n…`, elements of any type (nested arrays included); `nil` is the null array `*-1\r\n`.
    case array([RESPValue]?)
}

extension RESPValue {
    /// A bulk string holding `text` as UTF-8, the form command arguments take on the wire.
    public static func bulkString(_ text: String) -> RESPValue {
        .bulkString(Array(text.utf8))
    }

    /// True for the null bulk string and the null array: the server's "nothing there".
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }

    /// The text of a simple or bulk string (bulk bytes decoded as UTF-8, invalid bytes repaired),
    /// `nil` for any other value.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The bytes of a bulk or simple string, `nil` for any other value (null bulk included).
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes?): bytes
        case .simpleString(let text): Array(text.utf8)
        default: nil
        }
    }

    /// The value of an integer reply, or of a bulk string that spells an integer (`INFO`-style
    /// replies and some commands answer numbers as text).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulkString(let bytes?): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of a non-null array.
    public var array: [RESPValue]? {
        if case .array(let elements?) = self { return elements }
        return nil
    }
}

extension RESPValue: CustomStringConvertible {
    /// A short, human-readable rendering for error messages and logs; long bulk strings are cut,
    /// so a reply never floods a log line.
    public var description: String {
        switch self {
        case .simpleString(let text): return text
        case .error(let message): return "error \"\(message)\""
        case .integer(let value): return "\(value)"
        case .bulkString(nil), .array(nil): return "nil"
        case .bulkString(let bytes?):
            let text = String(decoding: bytes.prefix(64), as: UTF8.self)
            return bytes.count > 64 ? "\"\(text)…\" (\(bytes.count) bytes)" : "\"\(text)\""
        case .array(let elements?):
            let shown = elements.prefix(8).map(\.description).joined(separator: ", ")
            return elements.count > 8 ? "[\(shown), … (\(elements.count) elements)]" : "[\(shown)]"
        }
    }
}
