import Foundation

/// Debian's `chromium`, headless, for the dashboard tests: the DOM a page has once its script
/// has run, and screenshots. Each run gets a profile directory of its own, so tests can drive
/// browsers in parallel.
public struct HeadlessChromium: Sendable {
    public let executable: String

    /// The first of `chromium`, `chromium-browser`, `google-chrome` on the PATH (or
    /// `STOCKSCHOOL_TEST_CHROMIUM`); nil when none is installed.
    public static func find() -> HeadlessChromium? {
        if let named = ProcessInfo.processInfo.environment["STOCKSCHOOL_TEST_CHROMIUM"],
            FileManager.default.isExecutableFile(atPath: named)
        {
            return HeadlessChromium(executable: named)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in path.split(separator: ":") + ["/usr/bin"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) {
                    return HeadlessChromium(executable: candidate)
                }
            }
        }
        return nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The page's DOM after its script has run: virtual time runs up to `budget` milliseconds
    /// (pending fetches hold it), which is how headless Chromium waits for a page to settle.
    public func dom(_ url: String, budget: Int = 20_000) async throws -> String {
        try await run(["--dump-dom", "--virtual-time-budget=\(budget)", url])
    }

    /// Saves a PNG of the page, `width` × `height` CSS pixels, once its script has settled.
    public func screenshot(
        _ url: String, to file: URL, width: Int = 1280, height: Int = 1600, budget: Int = 20_000
    )
        async throws
    {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try await run([
            "--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars",
            "--virtual-time-budget=\(budget)", url,
        ])
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw Failure(description: "chromium wrote no screenshot to \(file.path)")
        }
    }

    func run(_ arguments: [String]) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ss-chromium-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // --no-sandbox: tests run as root in CI containers, where Chromium's sandbox cannot start.
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--user-data-dir=\(profile.path)",
            ] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        // The pipes are drained and the exit awaited on threads of their own: blocking a thread of
        // Swift's cooperative pool (two on a 2-core machine) would starve the server under test.
        let finished: (stdout: Data, stderr: Data) = try await withCheckedThrowingContinuation { continuation in
            let group = DispatchGroup()
            nonisolated(unsafe) var stdout = Data()
            nonisolated(unsafe) var stderr = Data()
            group.enter()
            group.enter()
            group.enter()
            process.terminationHandler = { _ in group.leave() }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            Thread.detachNewThread {
                stdout = output.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            Thread.detachNewThread {
                stderr = errors.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            group.notify(queue: .global()) { continuation.resume(returning: (stdout, stderr)) }
        }
        let stdout = finished.stdout
        let stderr = finished.stderr
        guard process.terminationStatus == 0 else {
            throw Failure(
                description:
                    "chromium \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: stderr.suffix(2000), as: UTF8.self))"
            )
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
