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
/// A body that finishes with a value after the deadline (or after failing otherwise) hands it
/// to `releasingLate`, since nobody else will: an opened store would otherwise keep its
/// connections for the life of a long-running worker.
public func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, releasingLate: @escaping @Sendable (T) async -> Void = { _ in },
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(what: what, limit: limit)
        }
        do {
            guard let first = try await group.next() else { throw DeadlineExceeded(what: what, limit: limit) }
            group.cancelAll()
            return first
        } catch {
            group.cancelAll()
            while let late = await group.nextResult() {
                if case .success(let value) = late { await releasingLate(value) }
            }
            throw error
        }
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

    var formattedSeconds: String {
        let s = seconds
        return s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
