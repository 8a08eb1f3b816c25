import Foundation
import StockSchoolTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// scripts/deployment/deploy.sh and rolling_update.sh with the local driver: two `serve`
/// replicas (plain processes standing in for the compose containers) behind a scratch nginx,
/// rolled under wrk load. The assertion is wrk's own error count.
///
/// Two wrk runs share each rollout: one sends `Connection: close` and must see no socket error
/// and no non-2xx response; one keeps its connections alive and must see no non-2xx response.
/// Its socket errors are reported, not asserted: each drain reloads nginx, and a reloading nginx
/// closes client connections that sit idle between two requests; a request wrk sends at that
/// instant is reset (a browser or HTTP library retries it, wrk counts a read error). That is
/// nginx's reload, not the replicas: the replicas are covered by the first run.
///
/// Needs nginx and wrk (Debian packages; scripts/test.sh installs them). In CI their absence is
/// a failure, elsewhere a skip.
@Suite(.serialized) struct RollingUpdateTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    typealias Result = CLITests.Result

    struct WrkReport: CustomStringConvertible {
        var requests = 0
        var socketErrors = 0
        var non2xx = 0
        var output = ""

        init(_ output: String) {
            self.output = output
            for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if line.contains(" requests in "), let n = Int(line.prefix { $0.isNumber }) { requests = n }
                if line.hasPrefix("Non-2xx or 3xx responses:") {
                    non2xx = Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? -1
                }
                if line.hasPrefix("Socket errors:") {
                    // "Socket errors: connect 0, read 2, write 0, timeout 0"
                    socketErrors = line.dropFirst("Socket errors:".count).split(separator: ",").reduce(0) {
                        $0 + (Int($1.split(separator: " ").last ?? "") ?? 1)
                    }
                }
            }
        }

        var description: String { "\(requests) requests, \(socketErrors) socket errors, \(non2xx) non-2xx" }
    }

    /// A loopback port nothing listens on, found with a plain socket: NIO's freeTCPPort would
    /// start NIO's threads, and a SIGCHLD delivered to one of them is lost to Foundation's
    /// Process, whose waitUntilExit then waits forever for a child that has long exited.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// waitUntilExit, except that a child Foundation has not noticed (still a zombie two seconds
    /// on) is reaped here.
    static func waitForExit(_ process: Process) -> Int32 {
        let pid = process.processIdentifier
        var zombieSince: Date?
        while process.isRunning {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if status.contains("State:\tZ") {
                if let since = zombieSince, Date().timeIntervalSince(since) > 2 {
                    var code: Int32 = 0
                    if waitpid(pid, &code, 0) == pid { return (code >> 8) & 0xff }
                    break
                }
                zombieSince = zombieSince ?? Date()
            }
            usleep(50_000)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A script of scripts/deployment, with the local driver's settings and no user settings.
    static func script(_ name: String, _ arguments: [String], env extra: [String: String]) async throws -> Result {
        try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [repository.appendingPathComponent("scripts/deployment/\(name)").path] + arguments
            var env = ProcessInfo.processInfo.environment
            for key in env.keys where key.hasPrefix("STOCKSCHOOL_") && !key.hasPrefix("STOCKSCHOOL_TEST_") {
                env[key] = nil
            }
            env.merge(extra) { _, new in new }
            env["PATH"] = (env["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let status = waitForExit(process)
            return Result(status: status, stdout: String(decoding: output, as: UTF8.self), stderr: "")
        }
    }

    /// Runs `work` while two wrk processes load `url` (one with `Connection: close`, one with
    /// keep-alive); wrk is stopped (SIGINT: it prints its summary) a second after `work` ends.
    static func underLoad<T: Sendable>(
        _ wrk: String, _ url: String, _ work: () async throws -> T
    ) async throws -> (T, close: WrkReport, keepAlive: WrkReport) {
        let runs = try [["-H", "Connection: close"], []].map { extra in
            // Through python3, which clears the signal mask first: Foundation's Process starts
            // children with the spawning thread's mask, SIGINT included, and wrk prints its
            // summary only on SIGINT (or at the end of -d).
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments =
                [
                    "-c",
                    "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                    wrk, "-t1", "-c2", "-d600s",
                ] + extra + [url]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            return (process, out)
        }
        try await Task.sleep(for: .seconds(1))
        let result: T
        do {
            result = try await work()
        } catch {
            for (process, _) in runs { process.terminate() }
            throw error
        }
        try await Task.sleep(for: .seconds(1))
        var reports: [WrkReport] = []
        for (process, out) in runs {
            kill(process.processIdentifier, SIGINT)
            let output = await offPool { () -> String in
                let data = out.fileHandleForReading.readDataToEndOfFile()
                _ = waitForExit(process)
                return String(decoding: data, as: UTF8.self)
            }
            reports.append(WrkReport(output))
        }
        return (result, reports[0], reports[1])
    }

    /// The replicas' pids from the state directory, and the binary each runs: /proc/<pid>/exe is
    /// the copy under releases/<id>/, whose `source` names the binary it was deployed from.
    static func runningBinaries(_ state: URL) throws -> [String] {
        try ["api", "api-2"].map { name in
            let pid = try String(contentsOf: state.appendingPathComponent("replicas/\(name)/pid"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
            let source = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("source")
            return try String(contentsOf: source, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func expectClean(_ phase: String, _ close: WrkReport, _ keepAlive: WrkReport) {
        #expect(close.requests > 100, "\(phase): wrk (Connection: close) \(close)\n\(close.output)")
        #expect(close.socketErrors == 0, "\(phase): wrk (Connection: close) \(close)\n\(close.output)")
        #expect(close.non2xx == 0, "\(phase): wrk (Connection: close) \(close)\n\(close.output)")
        #expect(keepAlive.requests > 100, "\(phase): wrk (keep-alive) \(keepAlive)\n\(keepAlive.output)")
        #expect(keepAlive.non2xx == 0, "\(phase): wrk (keep-alive) \(keepAlive)\n\(keepAlive.output)")
        print("\(phase): wrk Connection: close: \(close); keep-alive: \(keepAlive) (reload resets not asserted)")
    }

    @Test func rollsUnderLoadAndRollsBackAReleaseThatFailsItsHealthCheck() async throws {
        guard let wrk = Self.tool("wrk"), Self.tool("nginx") != nil, Self.tool("curl") != nil else {
            if TestEnvironment.isCI {
                Issue.record("CI=true but wrk, nginx or curl is missing (scripts/test.sh installs them)")
            }
            return
        }
        let directory = try CLITests.temporaryDirectory()
        let state = directory.appendingPathComponent("state")
        defer { try? FileManager.default.removeItem(at: directory) }

        let store = "sqlite://\(directory.path)/store.sqlite"
        let sync = try await CLITests.run(
            [
                "sync", "--source", "sample", "--stocks", "20", "--start", "20240102", "--end", "20240131", "--store",
                store,
            ])
        try #require(sync.status == 0, "\(sync.stderr)")

        // Release 1 is the binary under test. Release 2 is a copy with one byte appended (ELF
        // ignores it), so its sha256, the release id, differs as a rebuilt binary's would.
        // Release 3 is release 2 behind a wrapper that points the replica on the second port at a
        // PostgreSQL nothing listens on: `serve` then exits at once and never answers
        // /api/health, the way a release with a broken configuration fails on some hosts. It
        // passes on `api` and fails on `api-2`, so the rollback covers a replica already updated
        // as well as the failing one.
        let v1 = CLITests.executable.resolvingSymlinksInPath().path
        let v2 = directory.appendingPathComponent("v2/stockschool").path
        try FileManager.default.createDirectory(
            atPath: (v2 as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: v1))
        bytes.append(0)
        try bytes.write(to: URL(fileURLWithPath: v2))
        bytes = Data()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: v2)

        let ports = [try Self.freePort(), try Self.freePort(), try Self.freePort()]
        let v3 = directory.appendingPathComponent("v3/stockschool").path
        try FileManager.default.createDirectory(
            atPath: (v3 as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        #!/bin/sh
        # Release 3: fails its health check on port \(ports[1]) (replica api-2) only.
        case " $* " in
            *" --port \(ports[1]) "*) export STOCKSCHOOL_DATABASE_URL=postgres://stockschool@127.0.0.1:1/unreachable ;;
        esac
        exec '\(v2)' "$@"

        """.write(toFile: v3, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: v3)

        let environment = [
            "STOCKSCHOOL_DEPLOY_DRIVER": "local", "STOCKSCHOOL_DEPLOY_DIR": state.path,
            "STOCKSCHOOL_DEPLOY_PORTS": "\(ports[0]) \(ports[1])", "STOCKSCHOOL_DEPLOY_NGINX_PORT": "\(ports[2])",
            "STOCKSCHOOL_DATABASE_URL": store, "STOCKSCHOOL_DEPLOY_HEALTH_TIMEOUT": "10",
        ]
        func script(_ name: String, _ arguments: [String]) async throws -> Result {
            try await Self.script(name, arguments, env: environment)
        }
        let url = "http://127.0.0.1:\(ports[2])/api/health"

        do {
            let deploy = try await script("deploy.sh", ["deploy", "--binary", v1])
            try #require(deploy.status == 0, "\(deploy.stdout)")
            #expect(try Self.runningBinaries(state) == [v1, v1])

            // 1. A good release: exit 0, both replicas on it, no failed request.
            let (update, close1, keep1) = try await Self.underLoad(wrk, url) {
                try await script("rolling_update.sh", ["--binary", v2, "api"])
            }
            #expect(update.status == 0, "\(update.stdout)")
            #expect(update.stdout.contains("update done"), "\(update.stdout)")
            #expect(try Self.runningBinaries(state) == [v2, v2])
            Self.expectClean("update to release 2", close1, keep1)

            // 2. A release that fails its health check on api-2: exit 1 naming it, everything
            // back on release 2 and healthy, no failed request.
            let (failing, close2, keep2) = try await Self.underLoad(wrk, url) {
                try await script("rolling_update.sh", ["--binary", v3, "api"])
            }
            #expect(failing.status == 1, "\(failing.stdout)")
            #expect(failing.stdout.contains("replica api-2 did not turn healthy"), "\(failing.stdout)")
            #expect(!failing.stdout.contains("update done"), "\(failing.stdout)")
            #expect(try Self.runningBinaries(state) == [v2, v2])
            Self.expectClean("failed update to release 3", close2, keep2)
            let status = try await script("deploy.sh", ["status"])
            #expect(status.stdout.components(separatedBy: ", healthy").count == 3, "\(status.stdout)")

            // 3. --rollback api: back to the release live before the last successful update.
            let (rollback, close3, keep3) = try await Self.underLoad(wrk, url) {
                try await script("rolling_update.sh", ["--rollback", "api"])
            }
            #expect(rollback.status == 0, "\(rollback.stdout)")
            #expect(try Self.runningBinaries(state) == [v1, v1])
            Self.expectClean("rollback to release 1", close3, keep3)

            // deploy.sh health: `stockschool health` through nginx; the API check passes (the
            // scratch store has no backup, so the overall level may be a warning).
            let health = try await script("deploy.sh", ["health"])
            #expect(health.status != 2, "\(health.stdout)")
            #expect(health.stdout.contains("\(url) answered 200"), "\(health.stdout)")
        } catch {
            _ = try? await script("deploy.sh", ["stop"])
            Self.killLeftovers(state)
            throw error
        }
        let stop = try await script("deploy.sh", ["stop"])
        #expect(stop.status == 0, "\(stop.stdout)")
        Self.killLeftovers(state)
    }

    /// Whatever `deploy.sh stop` left running (it failed, or the test stopped halfway): SIGKILL
    /// by the pids in the state directory.
    static func killLeftovers(_ state: URL) {
        for file in ["replicas/api/pid", "replicas/api-2/pid", "nginx/nginx.pid"] {
            guard
                let text = try? String(contentsOf: state.appendingPathComponent(file), encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1
            else { continue }
            // Alive and no zombie (a stopped replica's new parent may not have reaped it yet).
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if kill(pid, 0) == 0, !status.contains("State:\tZ") {
                print("RollingUpdateTests: killing leftover \(file) \(pid)")
                kill(pid, SIGKILL)
            }
        }
    }
}
