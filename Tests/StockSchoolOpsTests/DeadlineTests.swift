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
        let released = Released()
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50), "the test", releasingLate: { await released.add($0) }) {
                await Self.uncancellableWait(seconds: 0.3)
                return 7
            }
        }
        #expect(await released.values == [7])
    }

    @Test func aValueInTimeIsReturnedNotReleased() async throws {
        let released = Released()
        let value = try await withDeadline(.seconds(30), "the test", releasingLate: { await released.add($0) }) { 5 }
        #expect(value == 5)
        #expect(await released.values.isEmpty)
    }
}
