import Logging
import ServiceLifecycle
import StockSchoolStore
import Synchronization

/// Polls `data_generations` so cached responses go stale the moment a sync run or score refresh
/// commits — in this process or any other (the CLI, the worker, another replica). Cache keys
/// carry the current token; a bump changes the token, and old entries simply age out.
final class GenerationWatcher: Service, Sendable {
    private let store: any MarketStore
    private let interval: Duration
    private let logger: Logger
    private let current = Mutex<String>("")

    init(store: any MarketStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// The generations of `DataGeneration.allCases` joined by dots, e.g. `12.4.3.40`.
    var token: String { current.withLock { $0 } }

    /// Reads the generations once; the server does this before it starts answering.
    func refresh() async {
        do {
            let generations = try await store.generations()
            let token = DataGeneration.allCases.map { String(generations[$0]?.generation ?? 0) }.joined(separator: ".")
            let changed = current.withLock { old in
                defer { old = token }
                return old != token && !old.isEmpty
            }
            if changed { logger.debug("data generation changed", metadata: ["generation": "\(token)"]) }
        } catch is CancellationError {
            // The server is shutting down (or failed to start): not a store problem.
        } catch {
            logger.warning("cannot read data generations", metadata: ["error": "\(error)"])
        }
    }

    func run() async throws {
        // The wait ends with the shutdown: a sleep that ran out its interval would hold up the
        // service group's shutdown by up to that long.
        let interval = self.interval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await refresh()
        }
    }
}
