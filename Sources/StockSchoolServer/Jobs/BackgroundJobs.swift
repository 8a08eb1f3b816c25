import Logging
import ServiceLifecycle
import Synchronization

/// Work the API starts and answers for at once (202): backtests and sync runs. Jobs run one at a
/// time per kind, so a burst of requests queues instead of oversubscribing two cores. On a
/// graceful shutdown the jobs still running are cancelled and awaited, so each records how it
/// ended (a backtest is marked failed with the reason) before the process exits.
final class BackgroundJobs: Service, Sendable {
    private let logger: Logger
    private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    private let nextID = Atomic<Int>(0)
    private let backtestGate = Gate()
    private let syncGate = Gate()

    init(logger: Logger) { self.logger = logger }

    enum Kind {
        case backtest, sync
    }

    /// Starts `body` in the background, after earlier jobs of the same kind.
    func start(_ kind: Kind, _ body: @escaping @Sendable () async -> Void) {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let gate = kind == .backtest ? backtestGate : syncGate
        let task = Task { [weak self] in
            await gate.enter()
            await body()
            gate.leave()
            _ = self?.tasks.withLock { $0.removeValue(forKey: id) }
        }
        tasks.withLock { $0[id] = task }
    }

    /// Whether a sync run is running or queued.
    var syncBusy: Bool { syncGate.busy }

    func run() async throws {
        try? await gracefulShutdown()
        let running = tasks.withLock { Array($0.values) }
        if !running.isEmpty { logger.info("cancelling background jobs", metadata: ["count": "\(running.count)"]) }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

/// A FIFO mutual exclusion for async code (background jobs of one kind; in-request evaluations).
final class Gate: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    var busy: Bool { state.withLock { $0.held || !$0.waiters.isEmpty } }

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if s.held {
                    s.waiters.append(continuation)
                    return false
                }
                s.held = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
