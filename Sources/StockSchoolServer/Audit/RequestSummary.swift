import Foundation
import NIOCore

/// What an audit entry says about a request: its query and JSON body with every secret masked.
///
/// A value is masked (`***`) when its name looks like a secret (contains `token`, `password`,
/// `passwd`, `secret`, `key`, `authorization`, `credential` or `signature`, in any case) or when
/// the value itself has the form of an API key. Masking by name errs on the side of hiding: a
/// harmless `sort_key` is masked too, which costs nothing, while a secret kept would be a leak.
/// Bodies that are not JSON are summarised by size only, as nothing in them can be recognised
/// reliably; headers are never recorded, so the `Authorization` value cannot leak.
enum RequestSummary {
    static let mask = "***"
    /// Longest summary kept; a larger body is summarised by size.
    static let maximumLength = 8192

    private static let secretNames = [
        "token", "password", "passwd", "secret", "key", "authorization", "credential", "signature",
    ]

    static func isSecretName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretNames.contains { lowered.contains($0) }
    }

    /// A JSON object text: `{"body": …, "query": "a=1&token=***"}` (absent parts left out).
    static func describe(query: [(String, String)], body: ByteBuffer?) -> String {
        var summary: [String: Any] = [:]
        if !query.isEmpty {
            summary["query"] = query.map { name, value in "\(name)=\(maskedValue(value, name: name))" }
                .joined(separator: "&")
        }
        if let body, body.readableBytes > 0 {
            summary["body"] = maskedBody(body)
        }
        if let text = json(summary), text.utf8.count <= maximumLength { return text }
        if let body { summary["body"] = "<\(body.readableBytes) bytes; too long to record>" }
        return json(summary).map { String($0.prefix(maximumLength)) } ?? "{}"
    }

    static func maskedBody(_ body: ByteBuffer) -> Any {
        let data = Data(body.readableBytesView)
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return "<\(body.readableBytes) bytes, not JSON>"
        }
        return masked(value)
    }

    /// `value` with every secret-named field and every key-shaped string replaced by `***`.
    static func masked(_ value: Any, name: String? = nil) -> Any {
        if let name, isSecretName(name) { return mask }
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { result, field in
                result[field.key] = masked(field.value, name: field.key)
            }
        case let array as [Any]:
            return array.map { masked($0) }
        case let text as String:
            return looksLikeKey(text) ? mask : text
        default:
            return value
        }
    }

    private static func maskedValue(_ value: String, name: String) -> String {
        isSecretName(name) || looksLikeKey(value) ? mask : value
    }

    private static func looksLikeKey(_ text: String) -> Bool {
        text.contains(APIKeySecret.mark) && APIKeySecret(presented: text) != nil
    }

    private static func json(_ object: [String: Any]) -> String? {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
