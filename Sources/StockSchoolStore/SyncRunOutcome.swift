/// How a sync run ended, as recorded in `sync_runs`.
public struct SyncRunOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        case running
        /// Every planned unit committed.
        case succeeded
        /// Finished, but some datasets were skipped or some units failed.
        case partial
        case failed
    }

    public var id: Int64
    public var status: Status
    public var calls = 0
    public var retries = 0
    public var rows = 0
    public var errors = 0
    public var skipped: [String] = []
    public var message: String?

    public init(id: Int64, status: Status) {
        self.id = id
        self.status = status
    }
}
