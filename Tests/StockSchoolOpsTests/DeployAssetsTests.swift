import Foundation
import StockSchoolTestSupport
import Testing

/// deploy/check.sh validates the production monitoring assets with the real tools: promtool
/// (config, rules, rule unit tests), amtool (config, routing), and the dashboards' queries.
@Suite struct DeployAssetsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func deployCheckPasses() throws {
        let needed = ["promtool", "amtool", "docker-compose", "nginx", "openssl"]
        let tools = needed.filter { tool in
            ["/usr/bin", "/usr/local/bin", "/usr/sbin"].contains {
                FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
            }
        }
        guard tools.count == needed.count else {
            if TestEnvironment.isCI {
                Issue.record(
                    "CI=true but \(Set(needed).subtracting(tools).sorted()) are missing (scripts/test.sh installs them)"
                )
            }
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repository.appendingPathComponent("deploy/check.sh").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "deploy/check.sh failed:\n\(output.suffix(4000))")
        #expect(output.contains("promtool test rules") || output.contains("test rules"))
    }
}
