import Crypto

/// An API key's secret: `ss_` and 64 hex digits (32 bytes from the system's CSPRNG). The store
/// keeps only its SHA-256, so a copy of the database lets nobody call the API; the `ss_` mark
/// lets secret scanners and people recognise a leaked key.
struct APIKeySecret: Sendable, Equatable {
    let text: String

    static let mark = "ss_"
    private static let byteCount = 32
    /// Characters of the secret kept in clear (`prefix`) so people can tell their keys apart:
    /// the mark and 8 hex digits (32 bits), too few to help anybody guess the rest.
    private static let prefixLength = mark.count + 8

    /// A new random secret.
    static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            hex += hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0f)]
        }
        return APIKeySecret(text: mark + hex)
    }

    /// A secret as sent by a client, if it has the form of one. Checking the form first means a
    /// garbled header is refused without asking the database.
    init?(presented text: some StringProtocol) {
        let utf8 = text.utf8
        guard text.hasPrefix(Self.mark), utf8.count == Self.mark.utf8.count + Self.byteCount * 2 else { return nil }
        guard utf8.dropFirst(Self.mark.utf8.count).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        self.text = String(text)
    }

    private init(text: String) {
        self.text = text
    }

    /// SHA-256 of the secret as lowercase hex: what `api_keys.key_hash` holds.
    var hash: String { Self.sha256Hex(text) }

    /// What `api_keys.prefix` holds and listings show.
    var prefix: String { String(text.prefix(Self.prefixLength)) }

    static func sha256Hex(_ text: String) -> String {
        var hex = ""
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            hex += hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0f)]
        }
        return hex
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }
}
