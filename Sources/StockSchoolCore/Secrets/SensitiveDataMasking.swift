import Foundation

/// Hides personal data and secrets before text reaches a log file or the audit log, following the
/// operations manual (数据脱敏): a phone number keeps its first 3 and last 4 digits
/// (`13812345678` → `138****5678`), an e-mail address the first 2 characters of its local part
/// and the domain (`zhangsan@example.com` → `zh***@example.com`). Secrets are replaced whole by
/// `***`: passwords in URLs, `Bearer`/`Basic` credentials, values named like a secret
/// (`token=…`, `"password": "…"`, `api_key: …`), Fernet tokens, StockSchool API keys (`ss_` and
/// 64 hex digits) and bare 56-hex-digit strings (the shape of a Tushare token).
///
/// Masking errs on the side of hiding: an 11-digit number that happens to look like a mobile
/// number is masked too, which costs a log reader little, while a leak cannot be taken back.
public enum SensitiveDataMasking {
    public static let mask = "***"

    /// Field names whose values are secrets, matched as substrings in any case. Broad on purpose
    /// for structured data (a JSON body, a query string): `sort_key` is hidden too, harmlessly.
    static let secretNames = [
        "token", "password", "passwd", "secret", "key", "authorization", "credential", "signature",
    ]

    /// Whether a field called `name` holds a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretNames.contains { lowered.contains($0) }
    }

    /// The manual's phone rule: first 3 and last 4 characters kept, `****` between. A value too
    /// short to keep 7 characters and still hide any is masked whole.
    public static func maskPhone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count > 7 else { return "****" }
        return String(characters.prefix(3)) + "****" + String(characters.suffix(4))
    }

    /// The manual's e-mail rule: the first 2 characters of the local part, `***@`, the domain.
    /// Text without an `@` is not an address and is masked whole.
    public static func maskEmail(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return mask }
        return String(email[..<at].prefix(2)) + "***" + String(email[at...])
    }

    /// `scheme://user:password@host…` with the password replaced by `***`, wherever such URLs
    /// occur in `text`.
    public static func maskURLPasswords(_ text: String) -> String {
        replacing(urlCredentials, in: text) { groups in groups[1] + ":" + mask + "@" }
    }

    /// The value of a named field: masked whole when the name says secret, by the manual's rules
    /// when it says phone or e-mail, and otherwise scanned like free text.
    public static func maskValue(_ value: String, name: String) -> String {
        let lowered = name.lowercased()
        if isSecretName(lowered) { return mask }
        if ["phone", "mobile", "tel"].contains(where: { lowered.contains($0) }) { return maskPhone(value) }
        if lowered.contains("email") || lowered.contains("e_mail") || lowered == "mail" {
            return value.contains("@") ? maskEmail(value) : maskText(value)
        }
        return maskText(value)
    }

    /// Free text (a log message, a metadata value) with every secret, phone number and e-mail
    /// address it contains masked.
    public static func maskText(_ text: String) -> String {
        // Cheap exit for the common log line: no digits run long enough, no @, no = or :.
        guard text.contains(where: { $0 == "@" || $0 == "=" || $0 == ":" || $0.isNumber || $0 == "_" || $0 == " " })
        else { return text }
        var result = maskURLPasswords(text)
        result = replacing(bearer, in: result) { groups in groups[1] + " " + mask }
        result = replacing(namedSecret, in: result) { groups in groups[1] + groups[2] + mask }
        result = replacing(fernetToken, in: result) { _ in mask }
        result = replacing(apiKey, in: result) { _ in mask }
        result = replacing(hexToken, in: result) { _ in mask }
        result = replacing(email, in: result) { groups in maskEmail(groups[0]) }
        result = replacing(phone, in: result) { groups in maskPhone(groups[0]) }
        return result
    }

    // MARK: Patterns

    static let urlCredentials = regex(#"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+):([^\s/]+)@"#)
    static let bearer = regex(#"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"#)
    static let namedSecret = regex(
        #"(?i)(\b[A-Za-z0-9_.-]*(?:token|password|passwd|pwd|secret|(?:api|access|private|secret)[_-]?key|apikey|authorization|credential|signature)[A-Za-z0-9_.-]*["']?\s*[:=]\s*)(["']?)(?!\*\*\*)[^\s"'&,;}\]]+"#
    )
    static let fernetToken = regex(#"\bgAAAAA[A-Za-z0-9_-]{40,}={0,2}"#)
    static let apiKey = regex(#"\bss_[0-9a-f]{64}\b"#)
    static let hexToken = regex(#"(?<![0-9A-Za-z_])[0-9a-f]{56}(?![0-9A-Za-z_])"#)
    static let email = regex(#"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    static let phone = regex(#"(?<![0-9.])1[3-9][0-9]{9}(?![0-9.])"#)

    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    /// `text` with each match of `expression` replaced by `transform(groups)`, where `groups[0]`
    /// is the whole match and unmatched groups are empty.
    private static func replacing(
        _ expression: NSRegularExpression?, in text: String, _ transform: ([String]) -> String
    ) -> String {
        guard let expression else { return text }
        let source = text as NSString
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: source.length))
        guard !matches.isEmpty else { return text }
        let result = NSMutableString(string: text)
        for match in matches.reversed() {
            let groups = (0..<match.numberOfRanges).map { index -> String in
                let range = match.range(at: index)
                return range.location == NSNotFound ? "" : source.substring(with: range)
            }
            result.replaceCharacters(in: match.range, with: transform(groups))
        }
        return result as String
    }
}
