import Crypto
import Foundation
import _CryptoExtras

/// Fernet symmetric tokens (https://github.com/fernet/spec), byte for byte the format of Python's
/// `cryptography.fernet`, so a value encrypted by either side decrypts on the other:
///
///     token = base64url( 0x80 ‖ timestamp (8 bytes, big-endian seconds) ‖ IV (16)
///                        ‖ AES-128-CBC(PKCS#7 plaintext) ‖ HMAC-SHA256(everything before) )
///
/// The key is 32 bytes in url-safe base64: the first 16 sign, the last 16 encrypt. Decryption
/// checks, in order, the base64, the version byte, the length, the HMAC (in constant time, before
/// anything is decrypted), the optional time-to-live, and the padding; each failure says which.
public enum Fernet {
    static let version: UInt8 = 0x80
    /// A token younger than this far in the future is accepted when a TTL is checked (Python's
    /// `_MAX_CLOCK_SKEW`).
    static let maximumClockSkew: Int64 = 60
    static let headerLength = 1 + 8 + 16
    static let macLength = 32

    /// Encrypts `plaintext` under `key`, stamped with `now` (seconds since 1970) and using `iv`
    /// (random when `nil`; pass one only to reproduce published vectors).
    public static func encrypt(
        _ plaintext: some Collection<UInt8>, key: FernetKey, now: Int64 = currentTime(), iv: [UInt8]? = nil
    ) throws(FernetError) -> String {
        let ivBytes = iv ?? randomBytes(16)
        guard ivBytes.count == 16 else { throw .cryptoFailure("the IV must be 16 bytes, got \(ivBytes.count)") }
        let ciphertext: Data
        do {
            ciphertext = try AES._CBC.encrypt(
                Array(plaintext), using: SymmetricKey(data: key.encryptionKey), iv: AES._CBC.IV(ivBytes: ivBytes))
        } catch {
            throw .cryptoFailure("AES-128-CBC encryption failed: \(error)")
        }
        var token: [UInt8] = [version]
        token.reserveCapacity(headerLength + ciphertext.count + macLength)
        let stamp = UInt64(bitPattern: now)
        for shift in stride(from: 56, through: 0, by: -8) { token.append(UInt8(truncatingIfNeeded: stamp >> shift)) }
        token += ivBytes
        token += ciphertext
        token += HMAC<SHA256>.authenticationCode(for: token, using: SymmetricKey(data: key.signingKey))
        return Base64URL.encode(token)
    }

    /// Encrypts a UTF-8 string.
    public static func encrypt(_ text: String, key: FernetKey) throws(FernetError) -> String {
        try encrypt(Array(text.utf8), key: key)
    }

    /// The plaintext of `token`, after checking everything the spec asks. With `ttl` (seconds),
    /// a token older than that, or stamped more than a minute in the future, is refused.
    public static func decrypt(
        _ token: String, key: FernetKey, ttl: Int64? = nil, now: Int64 = currentTime()
    ) throws(FernetError) -> [UInt8] {
        guard let data = Base64URL.decode(token) else {
            throw .malformedToken("not url-safe base64 (only A–Z a–z 0–9 - _ and trailing = padding)")
        }
        guard let first = data.first, first == version else {
            throw .malformedToken(
                "unknown version byte \(data.first.map { String(format: "0x%02x", $0) } ?? "(none)"), expected 0x80")
        }
        guard data.count >= headerLength + 16 + macLength else {
            throw .malformedToken(
                "too short: \(data.count) bytes, a token has at least \(headerLength + 16 + macLength)")
        }
        guard (data.count - headerLength - macLength) % 16 == 0 else {
            throw .malformedToken("the ciphertext is not a whole number of 16-byte AES blocks")
        }
        let signed = data[..<(data.count - macLength)]
        let mac = data[(data.count - macLength)...]
        guard
            HMAC<SHA256>.isValidAuthenticationCode(
                mac, authenticating: signed, using: SymmetricKey(data: key.signingKey))
        else {
            throw .signatureMismatch
        }
        let stamp = data[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let timestamp = Int64(bitPattern: stamp)
        if let ttl {
            // Overflow-checked: a signed token can still carry any 64-bit timestamp.
            let (expiry, overflow) = timestamp.addingReportingOverflow(max(0, ttl))
            if !overflow, expiry < now {
                throw .expired(ageSeconds: now.subtractingReportingOverflow(timestamp).partialValue, ttlSeconds: ttl)
            }
            if now.addingReportingOverflow(maximumClockSkew).partialValue < timestamp {
                throw .fromTheFuture(secondsAhead: timestamp.subtractingReportingOverflow(now).partialValue)
            }
        }
        do {
            let iv = try AES._CBC.IV(ivBytes: data[9..<headerLength])
            return Array(
                try AES._CBC.decrypt(
                    data[headerLength..<(data.count - macLength)], using: SymmetricKey(data: key.encryptionKey), iv: iv)
            )
        } catch {
            throw .badPadding
        }
    }

    /// Decrypts a token whose plaintext must be UTF-8 text.
    public static func decryptText(_ token: String, key: FernetKey) throws(FernetError) -> String {
        let bytes = try decrypt(token, key: key)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformedToken("the decrypted value is not UTF-8 text")
        }
        return text
    }

    /// Seconds since 1970, as Fernet stamps tokens.
    public static func currentTime() -> Int64 { Int64(Date().timeIntervalSince1970) }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// A Fernet key: 32 bytes, written as url-safe base64 with padding (44 characters), the form
/// Python's `Fernet.generate_key()` prints.
public struct FernetKey: Sendable, Equatable {
    let signingKey: [UInt8]
    let encryptionKey: [UInt8]

    public init(base64 text: String) throws(FernetError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Base64URL.decode(trimmed) else {
            throw .invalidKey("not url-safe base64; a key looks like cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
        }
        guard bytes.count == 32 else {
            throw .invalidKey("it decodes to \(bytes.count) bytes, a Fernet key is 32 (44 base64 characters)")
        }
        signingKey = Array(bytes[0..<16])
        encryptionKey = Array(bytes[16..<32])
    }

    /// A new key from the system's CSPRNG.
    public static func generate() -> FernetKey {
        FernetKey(bytes: Fernet.randomBytes(32))
    }

    private init(bytes: [UInt8]) {
        signingKey = Array(bytes[0..<16])
        encryptionKey = Array(bytes[16..<32])
    }

    /// The key as Python writes it.
    public var base64: String { Base64URL.encode(signingKey + encryptionKey) }
}

public enum FernetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidKey(String)
    case missingKey(String)
    case malformedToken(String)
    case signatureMismatch
    case expired(ageSeconds: Int64, ttlSeconds: Int64)
    case fromTheFuture(secondsAhead: Int64)
    case badPadding
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .invalidKey(let reason): "invalid Fernet key: \(reason)"
        case .missingKey(let advice): "no Fernet key: \(advice)"
        case .malformedToken(let reason): "invalid Fernet token: \(reason)"
        case .signatureMismatch:
            "invalid Fernet token: the HMAC does not match; the token was altered or was made with another key"
        case .expired(let age, let ttl): "Fernet token expired: it is \(age) s old, the limit is \(ttl) s"
        case .fromTheFuture(let ahead):
            "invalid Fernet token: its timestamp is \(ahead) s in the future (more clock skew than 60 s allowed)"
        case .badPadding: "invalid Fernet token: the decrypted data has bad PKCS#7 padding (wrong IV or ciphertext)"
        case .cryptoFailure(let reason): "Fernet: \(reason)"
        }
    }
}

/// Url-safe base64 (RFC 4648 §5) with `=` padding, decoded strictly: any character outside the
/// alphabet, misplaced padding or a length that is not a multiple of 4 is refused, so a token with
/// trailing garbage cannot pass for the token it starts with.
enum Base64URL {
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_")
    }

    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count % 4 == 0 else { return nil }
        let padding = utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        var standard: [UInt8] = []
        standard.reserveCapacity(utf8.count)
        for byte in utf8.dropLast(padding) {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.append(byte)
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        standard += Array(repeating: UInt8(ascii: "="), count: padding)
        return Data(base64Encoded: Data(standard)).map(Array.init)
    }
}
