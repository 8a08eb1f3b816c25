import Foundation
import NIOCore
import StockSchoolCore

/// What an audit entry says about a request: its query and JSON body with every secret and every
/// piece of personal data masked, by `SensitiveDataMasking`'s rules.
///
/// A value is masked (`***`) when its name looks like a secret (contains `token`, `password`,
/// `passwd`, `secret`, `key`, `authorization`, `credential` or `signature`, in any case) or when
/// the value itself has the form of a secret (an API key, a Fernet token, a Tushare token, a URL
/// with a password). Phone numbers and e-mail addresses keep what the manual's 数据脱敏 rules keep
/// (`138****5678`, `zh***@example.com`). Masking by name errs on the side of hiding: a harmless
/// `sort_key` is masked too, which costs nothing, while a secret kept would be a leak.
/// Bodies that are not JSON are summarised by size only, as nothing in them can be recognised
/// reliably; headers are never recorded, so the `Authorization` value cannot leak.
enum RequestSummary {
    static let mask = SensitiveDataMasking.mask
    /// Longest summary kept; a larger body is summarised by size.
    static let maximumLength = 8192

    static func isSecretName(_ name: String) -> Bool {
        SensitiveDataMasking.isSecretName(name)
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
            if looksLikeKey(text) { return mask }
            return name.map { SensitiveDataMasking.maskValue(text, name: $0) } ?? SensitiveDataMasking.maskText(text)
        default:
            return value
        }
    }

    private static func maskedValue(_ value: String, name: String) -> String {
        looksLikeKey(value) ? mask : SensitiveDataMasking.maskValue(value, name: name)
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
