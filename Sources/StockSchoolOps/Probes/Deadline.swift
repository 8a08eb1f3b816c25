import NIOConcurrencyHelpers

/// A probe that did not answer in time. Health checks must finish even when a dependency hangs
/// (a firewalled database host does not refuse, it just never answers), so every probe runs
/// under a deadline.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let what: String
    public let limit: Duration

    public var description: String { "\(what) did not answer within \(limit.formattedSeconds)" }
}

/// Runs `body`, giving up after `limit` with `DeadlineExceeded` naming `what`.
///
/// The caller gets its answer at the deadline even when `body` does not notice cancellation (a
/// connect already under way, a computation between its checks): `body` runs as a task of its
/// own, which is cancelled and left to finish in the background. Whatever it then returns is
/// handed to `releasingLate`, since nobody else will see it: an opened store would otherwise
/// keep its connections for the life of a long-running worker. Cancelling the caller cancels
/// `body` and throws `CancellationError` at once, the same way.
public func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, releasingLate: @escaping @Sendable (T) async -> Void = { _ in },
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    let work = Task { try await body() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                if race.finish(.failure(DeadlineExceeded(what: what, limit: limit))) { work.cancel() }
            }
            Task {
                let result = await work.result
                timer.cancel()
                if !race.finish(result), case .success(let late) = result { await releasingLate(late) }
            }
        }
    } onCancel: {
        work.cancel()
        race.finish(.failure(CancellationError()))
    }
}

/// The first of `body`'s result, the deadline and the caller's cancellation resumes the caller;
/// the others learn that they lost.
final class DeadlineRace<T: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<T, any Error>)
        /// Finished before the continuation was installed (the caller was already cancelled).
        case early(Result<T, any Error>)
        case resumed
    }

    private let state = NIOLockedValueBox(State.idle)

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLockedValue { state in
            guard case .early(let result) = state else {
                state = .waiting(continuation)
                return nil
            }
            state = .resumed
            return result
        }
        if let early { continuation.resume(with: early) }
    }

    /// True when `result` is what the caller gets.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (won, continuation): (Bool, CheckedContinuation<T, any Error>?) = state.withLockedValue { state in
            switch state {
            case .idle:
                state = .early(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .resumed
                return (true, continuation)
            case .early, .resumed:
                return (false, nil)
            }
        }
        continuation?.resume(with: result)
        return won
    }
}

extension Duration {
    /// Seconds as a double.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Milliseconds, rounded to the microsecond.
    public var milliseconds: Double { (seconds * 1e6).rounded() / 1000 }

    /// Whole seconds without a fraction ("120"), else as a double ("0.001").
    public var secondsText: String {
        let s = seconds
        return s == s.rounded() ? "\(Int(s))" : "\(s)"
    }

    var formattedSeconds: String { secondsText + " s" }
}
