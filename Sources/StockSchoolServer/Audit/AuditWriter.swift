import Logging
import ServiceLifecycle
import Synchronization

/// Writes audit entries in the background, so a slow or failing database never slows or fails
/// the request being audited. Entries wait in a bounded buffer (the newest are dropped, and a
/// warning logged, when the database cannot keep up); on graceful shutdown, which comes after
/// the HTTP server has drained its requests, the buffer is written out before the writer stops.
final class AuditWriter: Service, Sendable {
    private let log: AuditLogStore
    private let logger: Logger
    private let entries: AsyncStream<AuditEntry>
    private let continuation: AsyncStream<AuditEntry>.Continuation
    private let dropped = Mutex(0)

    init(log: AuditLogStore, logger: Logger, capacity: Int = 10_000) {
        self.log = log
        self.logger = logger
        let (entries, continuation) = AsyncStream.makeStream(
            of: AuditEntry.self, bufferingPolicy: .bufferingOldest(capacity))
        self.entries = entries
        self.continuation = continuation
    }

    /// Queues `entry`; returns at once.
    func record(_ entry: AuditEntry) {
        if case .dropped = continuation.yield(entry) {
            let count = dropped.withLock { count in
                count += 1
                return count
            }
            // Once, then every thousandth: a flood must not become a flood of log lines.
            if count == 1 || count % 1000 == 0 {
                logger.warning(
                    "audit buffer full; entries dropped",
                    metadata: ["dropped": "\(count)", "route": "\(entry.route)", "status": "\(entry.status)"])
            }
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await entry in entries {
                do {
                    try await log.append(entry)
                } catch {
                    logger.error(
                        "cannot write audit entry",
                        metadata: [
                            "error": "\(error)", "method": "\(entry.method)", "path": "\(entry.path)",
                            "status": "\(entry.status)", "key": "\(entry.keyName ?? "-")",
                        ])
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
