import Logging
import NIOConcurrencyHelpers

/// Keeps what is logged, so a test can count warnings.
struct RecordingLogHandler: LogHandler {
    final class Store: Sendable {
        private let entries = NIOLockedValueBox<[(Logger.Level, String)]>([])

        var all: [(Logger.Level, String)] { entries.withLockedValue { $0 } }

        func count(_ level: Logger.Level, containing text: String = "") -> Int {
            all.filter { $0.0 == level && ($0.1.contains(text) || text.isEmpty) }.count
        }

        func append(_ level: Logger.Level, _ message: String) {
            entries.withLockedValue { $0.append((level, message)) }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.append(event.level, "\(event.message)")
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test") { _ in RecordingLogHandler(store: store) }, store)
    }
}
