import Foundation
import Testing

@testable import StockSchoolOps

@Suite struct DeadlineTests {
    /// What `releasingLate` was handed.
    actor Released {
        var values: [Int] = []
        func add(_ value: Int) { values.append(value) }
    }

    /// Waits without noticing cancellation, as a connect that is already under way does.
    static func uncancellableWait(seconds: Double) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume() }
        }
    }

    @Test func aValueThatArrivesAfterTheDeadlineIsReleased() async {
        let (late, lateContinuation) = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50), "the test", releasingLate: { lateContinuation.yield($0) }) {
                await Self.uncancellableWait(seconds: 0.3)
                return 7
            }
        }
        var values = late.makeAsyncIterator()
        #expect(await values.next() == 7)
    }

    @Test func aValueInTimeIsReturnedNotReleased() async throws {
        let released = Released()
        let value = try await withDeadline(.seconds(30), "the test", releasingLate: { await released.add($0) }) { 5 }
        #expect(value == 5)
        #expect(await released.values.isEmpty)
    }

    /// A body that waits, deaf to cancellation, until the test opens the gate (or, should the
    /// deadline wait for the body, until the fallback does, which the test then reports).
    actor Gate {
        private var waiting: [CheckedContinuation<Void, Never>] = []
        private(set) var openedBy: String?

        func wait() async {
            if openedBy != nil { return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func open(by who: String) {
            guard openedBy == nil else { return }
            openedBy = who
            for continuation in waiting { continuation.resume() }
            waiting = []
        }

        /// Opens the gate after 20 s unless cancelled first.
        nonisolated func fallback() -> Task<Void, Never> {
            Task {
                try? await Task.sleep(for: .seconds(20))
                await open(by: "fallback")
            }
        }
    }

    @Test func theDeadlineAnswersWhileABodyDeafToCancellationStillRuns() async {
        let gate = Gate()
        let fallback = gate.fallback()
        let (late, lateContinuation) = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50), "the test", releasingLate: { lateContinuation.yield($0) }) {
                await gate.wait()
                return 9
            }
        }
        #expect(await gate.openedBy == nil, "the deadline waited for the body")
        await gate.open(by: "test")
        var values = late.makeAsyncIterator()
        #expect(await values.next() == 9)
        fallback.cancel()
    }

    @Test func cancellingTheCallerAnswersAtOnceAndCancelsTheBody() async {
        let gate = Gate()
        let fallback = gate.fallback()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (bodyCancelled, bodyCancelledContinuation) = AsyncStream.makeStream(of: Bool.self)
        let caller = Task {
            try await withDeadline(.seconds(60), "the test") {
                startedContinuation.yield()
                await gate.wait()
                bodyCancelledContinuation.yield(Task.isCancelled)
                return 1
            }
        }
        // Cancelled once the body runs, so the cancellation meets it under way.
        var starts = started.makeAsyncIterator()
        await starts.next()
        caller.cancel()
        let result = await caller.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await gate.openedBy == nil, "the caller waited for the body")
        await gate.open(by: "test")
        var seen = bodyCancelled.makeAsyncIterator()
        #expect(await seen.next() == true)
        fallback.cancel()
    }
}
