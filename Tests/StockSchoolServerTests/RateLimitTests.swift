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
        try await TestServer.with(
            backend, sync: false,
            settings: {
                $0.rateLimits.perAddress = APIRateLimit(requestsPerSecond: 1, burst: 3)
                $0.rateLimits.perRole[.reader] = APIRateLimit(requestsPerSecond: 1, burst: 2)
            }
        ) { server in
            // Sent at once, so the 1/s refill cannot add a token between them on a loaded machine.
            let answers = try await Self.concurrently(4) { try await server.get("/api/health/live") }
            #expect(answers.filter { $0.status == 200 }.count == 3)
            let limited = try #require(answers.first { $0.status == 429 })
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            let retry = try #require(limited.header("Retry-After").flatMap { Int($0) })
            #expect(retry >= 1)
            let error = limited.json["error"] as? [String: Any]
            let details = error?["details"] as? [String: String]
            #expect(details?["limit"] == "ip")
            #expect(details?["retry_after_seconds"] == String(retry))
            #expect((error?["message"] as? String)?.contains("1 requests/s, burst 3") == true)

            // A key has its own bucket, sized by its role, apart from the address's.
            let key = try await APIKeyStore(server.store).create(name: "reader", role: .reader)
            let bearer = [("Authorization", "Bearer \(key.secret)")]
            // The first request looks the key up in the store, which can take longer than the
            // refill on a loaded machine; after it the key is cached, and once its bucket is
            // full again the burst below is served from memory, at once.
            #expect(try await server.get("/api/health/live", headers: bearer).status == 200)
            try await Task.sleep(for: .seconds(2.2))
            let keyedAnswers = try await Self.concurrently(3) {
                try await server.get("/api/health/live", headers: bearer)
            }
            #expect(keyedAnswers.filter { $0.status == 200 }.count == 2)
            let keyed = try #require(keyedAnswers.first { $0.status == 429 })
            let keyedDetails = (keyed.json["error"] as? [String: Any])?["details"] as? [String: String]
            #expect(keyedDetails?["limit"] == "key:reader")
            #expect(keyed.header("Retry-After") != nil)

            // 429s are counted in the metrics by route (metrics sit outside the limit).
            try await Task.sleep(for: .seconds(1.1))
            let metrics = try await server.get("/metrics")
            #expect(metrics.text.contains("status=\"429\""))
        }
    }

    static func concurrently(
        _ count: Int, _ request: @escaping @Sendable () async throws -> TestServer.Answer
    ) async throws -> [TestServer.Answer] {
        try await withThrowingTaskGroup(of: TestServer.Answer.self) { group in
            for _ in 0..<count { group.addTask { try await request() } }
            var answers: [TestServer.Answer] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
    }
}
