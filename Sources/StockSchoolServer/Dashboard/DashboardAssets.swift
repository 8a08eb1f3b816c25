import Crypto
import Foundation

/// The dashboard's script and style sheet, compiled into the binary. Pages link them as
/// `/assets/NAME?v=<version>`, so a new build's assets are fetched at once while unchanged ones
/// are served from the browser's cache (ETag + `If-None-Match` → 304).
struct DashboardAsset: Sendable {
    let name: String
    let contentType: String
    let bytes: [UInt8]
    /// The first 16 hex digits of the content's SHA-256: the ETag and the `?v=` of links.
    let version: String

    init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
        self.version = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static let script = DashboardAsset(
        name: "dashboard.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.dashboard_js)
    static let style = DashboardAsset(
        name: "dashboard.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.dashboard_css)
    static let all = [script, style]

    /// One version for every page's links: changes when either asset does.
    static let combinedVersion = String((script.version + style.version).prefix(16))
}
