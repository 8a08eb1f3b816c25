import Foundation
import Mustache

/// Renders the dashboard's mustache templates (compiled into the binary). `{{value}}` is
/// HTML-escaped by mustache; the only unescaped value, `{{{scriptStrings}}}`, is JSON built
/// here with `<` written as `\u003c`, so no text can close its `<script>` element.
struct DashboardRenderer: Sendable {
    private let library: MustacheLibrary

    static let templates: [(name: String, source: [UInt8])] = [
        ("header", PackageResources.header_mustache), ("footer", PackageResources.footer_mustache),
        ("overview", PackageResources.overview_mustache), ("market", PackageResources.market_mustache),
        ("factors", PackageResources.factors_mustache), ("rankings", PackageResources.rankings_mustache),
        ("backtests", PackageResources.backtests_mustache),
    ]

    /// Fails only if a template does not parse: a defect of the build, which the dashboard
    /// tests catch, reported as a 500 naming the template rather than a crash.
    static let shared: Result<DashboardRenderer, DashboardTemplateError> = {
        var library = MustacheLibrary()
        for (name, source) in templates {
            do {
                try library.register(String(decoding: source, as: UTF8.self), named: name)
            } catch {
                return .failure(DashboardTemplateError(template: name, reason: "\(error)"))
            }
        }
        return .success(DashboardRenderer(library: library))
    }()

    func render(_ template: String, _ context: [String: Any]) throws(DashboardTemplateError) -> String {
        guard let html = library.render(context, withTemplate: template) else {
            throw DashboardTemplateError(template: template, reason: "no such template")
        }
        return html
    }

    /// The strings table as JSON safe inside `<script type="application/json">`.
    static func scriptStrings(_ language: DashboardLanguage) -> String {
        language == .zh ? zhScriptStrings : enScriptStrings
    }

    private static let zhScriptStrings = encode(DashboardStrings.table(.zh))
    private static let enScriptStrings = encode(DashboardStrings.table(.en))

    private static func encode(_ table: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(table)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return json.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}

struct DashboardTemplateError: Error, CustomStringConvertible {
    var template: String
    var reason: String
    var description: String { "dashboard template '\(template)': \(reason)" }
}
