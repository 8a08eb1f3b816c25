import Foundation
import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// Token buckets: the arithmetic with a hand-driven clock, then 429s over real HTTP.
@Suite struct RateLimitTests {
    static let second: UInt64 = 1_000_000_000

    @Test func bucketsRefillAtTheirRateUpToTheBurst() {
        let limiter = RateLimiter()
        let limit = APIRateLimit(requestsPerSecond: 2, burst: 4)
        let caller = RateLimiter.Caller.address("10.0.0.1")
        let start: UInt64 = 100 * Self.second
        for _ in 0..<4 { #expect(limiter.admit(caller, limit: limit, now: start) == nil) }
        #expect(limiter.admit(caller, limit: limit, now: start) == 1)
        // Half a second refills one token at 2/s.
        #expect(limiter.admit(caller, limit: limit, now: start + Self.second / 2) == nil)
        #expect(limiter.admit(caller, limit: limit, now: start + Self.second / 2) == 1)
        // A long pause refills to the burst, not beyond.
        let later = start + 60 * Self.second
        for _ in 0..<4 { #expect(limiter.admit(caller, limit: limit, now: later) == nil) }
        #expect(limiter.admit(caller, limit: limit, now: later) != nil)
        // Another caller has its own bucket; a rate of 0 is no limit.
        #expect(limiter.admit(.key("k"), limit: limit, now: later) == nil)
        for _ in 0..<100 {
            #expect(limiter.admit(caller, limit: APIRateLimit(requestsPerSecond: 0, burst: 1), now: later) == nil)
        }
    }

    @Test func retryAfterIsWholeSecondsAtLeastOne() {
        let limiter = RateLimiter()
        let slow = APIRateLimit(requestsPerSecond: 1, burst: 1)
        let now: UInt64 = 5 * Self.second
        #expect(limiter.admit(.key("a"), limit: slow, now: now) == nil)
        #expect(limiter.admit(.key("a"), limit: slow, now: now) == 1)
        let fast = APIRateLimit(requestsPerSecond: 1000, burst: 1)
        #expect(limiter.admit(.key("b"), limit: fast, now: now) == nil)
        #expect(limiter.admit(.key("b"), limit: fast, now: now) == 1)
    }

    @Test func idleBucketsAreForgottenAndMemoryIsBounded() {
        let limiter = RateLimiter(maximumBuckets: 100, sweepInterval: .seconds(1))
        let limit = APIRateLimit(requestsPerSecond: 10, burst: 10)
        let start: UInt64 = 10 * Self.second
        for i in 0..<100 { _ = limiter.admit(.address("10.0.0.\(i)"), limit: limit, now: start) }
        #expect(limiter.count == 100)
        // Past the cap with every bucket busy: the table is dropped rather than grown.
        _ = limiter.admit(.address("10.0.1.0"), limit: limit, now: start)
        #expect(limiter.count <= 100)
        // After a refill period the sweep forgets every idle, full bucket.
        _ = limiter.admit(.address("10.0.2.0"), limit: limit, now: start + 5 * Self.second)
        #expect(limiter.count == 1)
    }

    @Test(arguments: TestBackend.available)
    func requestsOverTheLimitGet429WithRetryAfter(_ backend: TestBackend) async throws {
        // The buckets refill only when the test moves this clock, so a loaded machine serving the
        // requests slowly cannot add a token between them.
        let clock = HandClock(start: 1_000 * Self.second)
        try await TestServer.with(
            backend, sync: false,
            settings: {
                $0.rateLimits.perAddress = APIRateLimit(requestsPerSecond: 1, burst: 3)
                $0.rateLimits.perRole[.reader] = APIRateLimit(requestsPerSecond: 1, burst: 2)
            },
            rateLimitClock: clock.now
        ) { server in
            var answers: [TestServer.Answer] = []
            for _ in 0..<4 { answers.append(try await server.get("/api/health/live")) }
            #expect(answers.map(\.status) == [200, 200, 200, 429])
            let limited = answers[3]
            #expect(limited.errorCode == "rate_limited")
            // One token short at 1/s: one second to wait.
            #expect(limited.header("Retry-After") == "1")
            let error = limited.json["error"] as? [String: Any]
            let details = error?["details"] as? [String: String]
            #expect(details?["limit"] == "ip")
            #expect(details?["retry_after_seconds"] == "1")
            #expect((error?["message"] as? String)?.contains("1 requests/s, burst 3") == true)
            // A second later one token is back: one more request, then 429 again.
            clock.advance(by: Self.second)
            #expect(try await server.get("/api/health/live").status == 200)
            #expect(try await server.get("/api/health/live").status == 429)

            // A key has its own bucket, sized by its role, apart from the address's (which is
            // empty now).
            let key = try await APIKeyStore(server.store).create(name: "reader", role: .reader)
            let bearer = [("Authorization", "Bearer \(key.secret)")]
            var keyed: [Int] = []
            for _ in 0..<3 { keyed.append(try await server.get("/api/health/live", headers: bearer).status) }
            #expect(keyed == [200, 200, 429])
            let refused = try await server.get("/api/health/live", headers: bearer)
            let keyedDetails = (refused.json["error"] as? [String: Any])?["details"] as? [String: String]
            #expect(keyedDetails?["limit"] == "key:reader")
            #expect(refused.header("Retry-After") == "1")

            // 429s are counted in the metrics by route: the metrics middleware sits outside the
            // limit, while `/metrics` itself is limited like any route, so wait for a token.
            clock.advance(by: Self.second)
            let metrics = try await server.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("status=\"429\""))
        }
    }
}
