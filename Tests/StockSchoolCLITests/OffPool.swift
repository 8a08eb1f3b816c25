import Foundation

/// Runs blocking `work` (waiting for a child process, reading its pipes) on a thread of its own:
/// on the cooperative pool it would hold one of its few threads (two on a two-core machine) and
/// stall every other test running in parallel.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// Starts blocking `work` on a thread of its own; `wait()` returns its result.
func offPoolBlocking<T: Sendable>(_ work: @escaping @Sendable () -> T) throws -> PendingResult<T> {
    let pending = PendingResult<T>()
    Thread { pending.fulfil(work()) }.start()
    return pending
}

final class PendingResult<T: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is guarded by `condition`.
    private let condition = NSCondition()
    private var value: T?

    func fulfil(_ result: T) {
        condition.lock()
        value = result
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> T {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        // The loop above exits only once `value` is set.
        return value.unsafelyUnwrapped
    }
}
