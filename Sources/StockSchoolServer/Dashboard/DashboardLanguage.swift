/// The dashboard's two languages. Chosen per request: `?lang=` (which the toggle sets and a
/// cookie remembers), else the `lang` cookie, else the best `Accept-Language` match, else
/// Chinese — the manual's language and the market's.
enum DashboardLanguage: String, Sendable, CaseIterable {
    case zh
    case en

    var htmlLang: String { self == .zh ? "zh-CN" : "en" }
    var other: DashboardLanguage { self == .zh ? .en : .zh }
    /// The toggle's label, in the language it switches to.
    var name: String { self == .zh ? "中文" : "English" }

    static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> DashboardLanguage {
        if let query, let chosen = DashboardLanguage(rawValue: query.lowercased()) { return chosen }
        if let cookie, let chosen = DashboardLanguage(rawValue: cookie.lowercased()) { return chosen }
        if let acceptLanguage { return fromAcceptLanguage(acceptLanguage) ?? .zh }
        return .zh
    }

    /// The highest-weighted `zh*` or `en*` range of an `Accept-Language` header (RFC 9110
    /// §12.5.4); ties go to the earlier entry, `q=0` excludes.
    static func fromAcceptLanguage(_ header: String) -> DashboardLanguage? {
        var best: (language: DashboardLanguage, weight: Double)?
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let range = parts.first?.lowercased() else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = range.split(separator: "-").first.map(String.init) ?? range
            guard weight > 0, let language = DashboardLanguage(rawValue: primary) else { continue }
            if best == nil || weight > best?.weight ?? 0 { best = (language, weight) }
        }
        return best?.language
    }

    /// The `lang` cookie's value in a `Cookie` header.
    static func cookie(in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "lang" { return parts[1] }
        }
        return nil
    }
}
