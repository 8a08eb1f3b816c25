import Prometheus
import StockSchoolStore
import Synchronization

/// The server's store, timed: every call is counted in flight and its duration recorded, so
/// `/metrics` shows how busy the database pool is and how long statements take.
struct InstrumentedStore: MarketStore {
    let base: any MarketStore
    let metrics: StoreMetrics

    var dialect: SQLDialect { base.dialect }
    var displayURL: String { base.displayURL }

    func query(_ statement: SQLStatement) async throws -> [[SQLValue]] {
        try await metrics.measure { try await base.query(statement) }
    }

    func execute(atomically statements: [SQLStatement]) async throws {
        try await metrics.measure { try await base.execute(atomically: statements) }
    }

    func upsert<R: StoreRecord>(_ rows: [R], checkpoints: [SyncCheckpoint], reports: [QualityReport]) async throws {
        try await metrics.measure { try await base.upsert(rows, checkpoints: checkpoints, reports: reports) }
    }

    func upsert<R: StoreRecord, S: StoreRecord>(_ rows: [R], together others: [S]) async throws {
        try await metrics.measure { try await base.upsert(rows, together: others) }
    }

    func panel(_ request: PanelRequest) async throws -> PanelFrame {
        try await metrics.measure { try await base.panel(request) }
    }

    func close() async throws { try await base.close() }
}

/// Database figures for `/metrics`: statements in flight against the pool's size (in use, idle,
/// waiting) and a statement-duration histogram.
final class StoreMetrics: Sendable {
    /// Connections the store's pool holds at most (PostgreSQL: 8; SQLite: GRDB's reader pool).
    let poolSize: Int
    private let inFlight = Atomic<Int>(0)
    private let duration: DurationHistogram

    init(registry: PrometheusCollectorRegistry, poolSize: Int) {
        self.poolSize = poolSize
        duration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "stockschool", metricName: "db_query_duration", unitName: "seconds",
                helpText: "Time the store took per statement or bulk operation."),
            labels: [], buckets: APIMetrics.buckets)
    }

    func measure<T>(_ body: () async throws -> T) async rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        inFlight.wrappingAdd(1, ordering: .relaxed)
        defer {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            duration.record(clock.now - start)
        }
        return try await body()
    }

    func write(into text: inout PrometheusText) {
        let busy = inFlight.load(ordering: .relaxed)
        text.family(
            "stockschool_db_pool_connections", .gauge, help: "Store connections by state (in_use, idle, waiting).",
            [
                ([("state", "in_use")], Double(min(busy, poolSize))),
                ([("state", "idle")], Double(max(0, poolSize - busy))),
                ([("state", "waiting")], Double(max(0, busy - poolSize))),
            ])
        text.family(
            "stockschool_db_pool_size", .gauge, help: "Connections the store's pool holds at most.",
            value: Double(poolSize))
    }
}
