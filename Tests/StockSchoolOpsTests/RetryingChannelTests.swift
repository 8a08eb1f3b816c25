import Foundation
import StockSchoolOps
import StockSchoolTestSupport
import Testing

@Suite struct RetryingChannelTests {
    static let fast = RetryPolicy(retries: 3, initialDelay: .milliseconds(5))

    @Test func failsTwiceThenSucceedsOnTheThirdAttempt() async throws {
        try await HTTPSink.with(HTTPSink.Options(failFirst: 2, failureStatus: 503)) { sink in
            let attempts = Collected<(String, Bool)>()
            let channel = RetryingChannel(WebhookChannel(name: "sms", url: sink.url("/sms")), policy: Self.fast) {
                name, succeeded, _ in attempts.append((name, succeeded))
            }
            try await channel.send(NotificationFixtures.critical)
            #expect(attempts.values.map(\.1) == [false, false, true])
            #expect(attempts.values.allSatisfy { $0.0 == "sms" })
            #expect(sink.requests.count == 3)
        }
    }

    @Test func alwaysFailingRethrowsAfterTheConfiguredAttempts() async throws {
        try await HTTPSink.with(HTTPSink.Options(failFirst: 100, failureStatus: 500)) { sink in
            let errors = Collected<String>()
            let channel = RetryingChannel(
                WebhookChannel(name: "phone", url: sink.url("/call")),
                policy: RetryPolicy(retries: 2, initialDelay: .milliseconds(5))
            ) { _, succeeded, error in
                if !succeeded { errors.append("\(error.map { "\($0)" } ?? "none")") }
            }
            let error = await #expect(throws: HTTPChannelError.self) {
                try await channel.send(NotificationFixtures.critical)
            }
            #expect(error?.status == 500)
            #expect(errors.values.count == 3)
            #expect(sink.requests.count == 3)
        }
    }

    @Test func backoffDoubles() {
        let policy = RetryPolicy()
        #expect(policy.retries == 3)
        #expect((1...3).map { policy.delay(beforeRetry: $0) } == [.seconds(1), .seconds(2), .seconds(4)])
    }

    @Test func waitsBetweenAttempts() async throws {
        struct Failing: AlertChannel {
            let name = "failing"
            func send(_ notification: AlertNotification) async throws { throw Oops() }
            struct Oops: Error {}
        }
        let clock = ContinuousClock()
        let started = clock.now
        let channel = RetryingChannel(Failing(), policy: RetryPolicy(retries: 2, initialDelay: .milliseconds(40)))
        await #expect(throws: Failing.Oops.self) { try await channel.send(NotificationFixtures.critical) }
        // 40 ms + 80 ms of backoff.
        #expect(clock.now - started >= .milliseconds(120))
    }
}
