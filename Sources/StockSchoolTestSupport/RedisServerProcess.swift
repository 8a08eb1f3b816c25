import Foundation
import NIOCore
import NIOPosix

/// A `redis-server` of a test's own, for what the shared server cannot show: a password, and a
/// server that dies and comes back on the same port.
///
/// It runs in the foreground as a child process (not daemonized), without persistence, on a
/// free loopback port; `stop()` kills it the way a crash would (SIGKILL).
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    public let password: String?
    private let directory: URL
    // Guarded by `lock`: replaced on restart.
    private var process: Process?
    private let lock = NSLock()

    private init(port: Int, password: String?, directory: URL) {
        self.port = port
        self.password = password
        self.directory = directory
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `redis://[:password@]127.0.0.1:PORT/db`
    public func url(database: Int = 0, password override: String? = nil) -> String {
        let secret = override ?? password
        return "redis://\(secret.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/\(database)"
    }

    /// Starts a server on a free port; throws when `redis-server` is not installed or does not
    /// come up within five seconds.
    public static func start(password: String? = nil) async throws -> RedisServerProcess {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ss-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = RedisServerProcess(port: try await freeTCPPort(), password: password, directory: directory)
        try await server.restart()
        return server
    }

    /// Runs `body` with a fresh server and always kills it afterwards.
    public static func with<T>(
        password: String? = nil, _ body: (RedisServerProcess) async throws -> T
    ) async throws -> T {
        let server = try await start(password: password)
        do {
            let result = try await body(server)
            server.stop()
            return result
        } catch {
            server.stop()
            throw error
        }
    }

    /// Kills the server (SIGKILL, like a crash) and waits until it is gone.
    public func stop() {
        let process = lock.withLock { () -> Process? in
            defer { self.process = nil }
            return self.process
        }
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    public func restart() async throws {
        stop()
        guard let executable = Self.findExecutable("redis-server") else {
            throw MissingTestServer(
                description: "redis-server is not installed: run scripts/test.sh, which installs it")
        }
        let process = Process()
        process.executableURL = executable
        var arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        for _ in 0..<100 {
            if await Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        stop()
        throw MissingTestServer(description: "redis-server did not start on port \(port):\n\(log.suffix(2000))")
    }

    private static func accepts(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    private static func findExecutable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"]
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
