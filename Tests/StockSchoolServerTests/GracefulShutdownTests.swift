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
}
