import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// SIGTERM's path (a graceful shutdown of the service group): a request in flight is finished
/// and answered in full; afterwards the port no longer accepts connections.
@Suite struct GracefulShutdownTests {
    @Test func inFlightRequestsAreDrained() async throws {
        let server = try await TestServer.make(.sqlite)
        let key = try await APIKeyStore(server.store).create(name: "drain", role: .analyst)
        let evaluation = Task {
            try await server.post(
                "/api/v1/factors/evaluate", json: #"{"set": "alpha158-quick", "horizons": [1, 5, 10, 20]}"#,
                headers: [("Authorization", "Bearer \(key.secret)")])
        }
        // Shut down only once the evaluation is being served.
        for _ in 0..<500 where server.services.metrics.requestsInFlight == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.services.metrics.requestsInFlight == 1)
        try await server.server.shutdown()
        let answer = try await evaluation.value
        #expect(answer.status == 200)
        #expect((answer.json["factors"] as? [Any])?.count == 14)
        await #expect(throws: (any Error).self) { _ = try await server.get("/api/health/live") }
        await server.tearDown()
    }

    /// `serve` evaluates alerts every `alerts.interval` (60 s by default). A shutdown must not wait
    /// out that sleep: `docker stop` gives a replica 10 s by default, the rolling update 20 s.
    /// The interval here is an hour, so a shutdown that waited for it could not pass.
    @Test func theAlertLoopStopsAtOnce() async throws {
        let server = try await TestServer.make(.sqlite, sync: false) { $0.alertInterval = .seconds(3600) }
        try await Self.expectShutdownWithin30Seconds(server, "the shutdown waited for the alert interval")
    }

    /// The same for the poll of `data_generations` (every second by default, every 100 ms in the
    /// tests): an hour here.
    @Test func theGenerationWatcherStopsAtOnce() async throws {
        let server = try await TestServer.make(.sqlite, sync: false) {
            $0.generationPollInterval = .seconds(3600)
        }
        try await Self.expectShutdownWithin30Seconds(server, "the shutdown waited for the generation poll")
    }

    static func expectShutdownWithin30Seconds(_ server: TestServer, _ failure: Comment) async throws {
        #expect(try await server.get("/api/health/live").status == 200)
        // With a fault, the shutdown would wait the hour; the watchdog cancels the server after
        // 30 s so the test fails instead of hanging.
        let watchdog = Task { () -> Bool in
            do { try await Task.sleep(for: .seconds(30)) } catch { return false }
            server.server.task.cancel()
            return true
        }
        try? await server.server.shutdown()
        watchdog.cancel()
        #expect(await watchdog.value == false, failure)
        await server.tearDown()
    }
}
