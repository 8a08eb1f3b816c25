import Foundation
import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// The dashboard's pages over real HTTP: languages, assets, escaping. The browser's view of
/// them is in `DashboardBrowserTests`.
@Suite struct DashboardTests {
    @Test func languageFollowsTheQueryThenTheCookieThenAcceptLanguage() {
        #expect(DashboardLanguage.fromAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8") == .en)
        #expect(DashboardLanguage.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(DashboardLanguage.fromAcceptLanguage("fr-FR, en;q=0.5, zh;q=0.7") == .zh)
        #expect(DashboardLanguage.fromAcceptLanguage("en;q=0, zh-TW") == .zh)
        #expect(DashboardLanguage.fromAcceptLanguage("de, fr") == nil)
        #expect(DashboardLanguage.negotiate(query: nil, cookie: nil, acceptLanguage: "de") == .zh)
        #expect(DashboardLanguage.negotiate(query: "EN", cookie: "zh", acceptLanguage: "zh") == .en)
        #expect(DashboardLanguage.negotiate(query: "xx", cookie: "en", acceptLanguage: "zh") == .en)
        #expect(DashboardLanguage.negotiate(query: nil, cookie: nil, acceptLanguage: "en-GB") == .en)
        #expect(DashboardLanguage.cookie(in: "theme=dark; lang=en; x=1") == "en")
        #expect(DashboardLanguage.cookie(in: "language=en") == nil)
    }

    /// Every `{{t.key}}` of the templates and every `T.key` of the script has a label in both
    /// languages, and no label is empty or left untranslated by accident of a missing key.
    @Test func everyLabelUsedExistsInBothLanguages() throws {
        let keys = DashboardStrings.entries.map(\.key)
        #expect(Set(keys).count == keys.count, "a key is defined twice")
        for entry in DashboardStrings.entries {
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(entry.key) has an empty label")
        }
        var used = Set<String>()
        for (_, source) in DashboardRenderer.templates {
            used.formUnion(matches(#"\{\{t\.([A-Za-z_]+)\}\}"#, in: String(decoding: source, as: UTF8.self)))
        }
        let script = String(decoding: DashboardAsset.script.bytes, as: UTF8.self)
        used.formUnion(matches(#"\bT\.([A-Za-z_0-9]+)"#, in: script))
        // Keys built at run time: T["status_" + s], T["board_" + b], T["reason_" + r], …
        for status in ["ok", "degraded", "failing", "succeeded", "failed", "running", "filled", "rejected"] {
            used.insert("status_\(status)")
        }
        for board in Board.allCases { used.insert("board_\(board.rawValue)") }
        for reason in OrderRejection.allCases { used.insert("reason_\(reason.rawValue)") }
        for page in DashboardPage.allCases { used.insert(page.rawValue) }
        let defined = Set(keys)
        #expect(used.subtracting(defined).sorted() == [], "labels used but not defined")
        #expect(used.count > 100)
    }

    @Test(arguments: TestBackend.available)
    func everyPageRendersInBothLanguages(_ backend: TestBackend) async throws {
        try await TestServer.with(backend) { server in
            for path in ["/", "/market", "/factors", "/rankings", "/backtests", "/backtests/1"] {
                let zh = try await server.get(path, headers: [("Accept-Language", "zh-CN,zh;q=0.9")])
                #expect(zh.status == 200, "\(path): \(zh.text.prefix(300))")
                #expect(zh.header("Content-Type") == "text/html; charset=utf-8")
                #expect(zh.text.contains(#"<html lang="zh-CN">"#))
                #expect(zh.text.contains("系统概览") && zh.text.contains("回测"))
                #expect(zh.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
                let en = try await server.get(path + (path.contains("?") ? "&" : "?") + "lang=en")
                #expect(en.status == 200)
                #expect(en.text.contains(#"<html lang="en">"#) && en.text.contains(">Overview<"))
                #expect(en.header("Set-Cookie")?.hasPrefix("lang=en;") == true)
                // The cookie then keeps English without the parameter.
                let remembered = try await server.get(
                    path, headers: [("Cookie", "lang=en"), ("Accept-Language", "zh")])
                #expect(remembered.text.contains(#"<html lang="en">"#))
            }
            // Unknown paths stay the API's JSON 404.
            let missing = try await server.get("/nothing-here")
            #expect(missing.status == 404 && missing.errorCode == "not_found")
        }
    }

    @Test func assetsAreServedWithAnETagAndRevalidate() async throws {
        try await TestServer.with(.sqlite, sync: false) { server in
            for asset in DashboardAsset.all {
                let first = try await server.get("/assets/\(asset.name)")
                #expect(first.status == 200)
                #expect(first.body == asset.bytes)
                let etag = try #require(first.header("ETag"))
                #expect(etag == "\"\(asset.version)\"")
                let again = try await server.get("/assets/\(asset.name)", headers: [("If-None-Match", etag)])
                #expect(again.status == 304 && again.body.isEmpty)
            }
            let page = try await server.get("/")
            #expect(page.text.contains("/assets/dashboard.js?v=\(DashboardAsset.combinedVersion)"))
        }
    }

    /// A stock whose name and industry are markup: the server-rendered page shows them as text.
    @Test(arguments: TestBackend.available)
    func templatesEscapeWhatTheyRender(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, sync: false) { server in
            try await Self.insertHostileStock(server.store)
            let page = try await server.get("/market?ts_code=600999.SH")
            #expect(page.status == 200)
            #expect(!page.text.contains(Self.hostileName))
            #expect(page.text.contains("&lt;script&gt;document.body.dataset.pwned"))
            #expect(!page.text.contains(#"<img src=x"#))
            #expect(page.text.contains("&quot;&gt;&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt;"))
            let search = try await server.get("/market?q=999")
            #expect(!search.text.contains(Self.hostileName) && search.text.contains("&lt;script&gt;"))
            // The language toggle's link carries the query, encoded.
            let toggled = try await server.get("/market?q=%22%3E%3Cb%3E")
            #expect(!toggled.text.contains("\"><b>"))
        }
    }

    static let hostileName = "<script>document.body.dataset.pwned=1</script>"
    static let hostileIndustry = #""><img src=x onerror="document.body.dataset.pwned=1">"#

    static func insertHostileStock(_ store: any MarketStore) async throws {
        try await store.query(
            SQLStatement(
                "INSERT INTO stock_basic (ts_code, symbol, name, area, industry, market, list_status, list_date) VALUES (?, ?, ?, ?, ?, ?, 'L', 20240102)",
                [
                    .text("600999.SH"), .text("600999"), .text(hostileName), .text("<i>area</i>"),
                    .text(hostileIndustry), .text("主板"),
                ]))
    }

    @Test func pagesWithBadInputAnswerWithTheProblemNamed() async throws {
        try await TestServer.with(.sqlite) { server in
            let badCode = try await server.get("/market?ts_code=60000X")
            #expect(badCode.status == 400 && badCode.text.contains("60000X") && badCode.text.contains("role=\"alert\""))
            let unknown = try await server.get("/market?ts_code=688999.SH&lang=en")
            #expect(unknown.status == 404 && unknown.text.contains("No such stock: 688999.SH"))
            let factor = try await server.get("/factors?name=NOPE&lang=en")
            #expect(factor.status == 404 && factor.text.contains("NOPE"))
            let run = try await server.get("/backtests/abc")
            #expect(run.status == 404)
        }
    }
}

/// The capture groups of `pattern`'s matches in `text`.
func matches(_ pattern: String, in text: String) -> Set<String> {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let range = NSRange(text.startIndex..., in: text)
    return Set(
        regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        })
}
