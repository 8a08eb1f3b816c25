import Logging
import StockSchoolCore
import StockSchoolFactors
import StockSchoolOps
import StockSchoolStore

/// What route handlers share: the store, the cache, settings, metrics, authentication, rate
/// limits, the audit writer and the background jobs.
/// One per server process; every member is safe to use from many requests at once.
public final class APIServices: Sendable {
    public let store: any MarketStore
    public let cache: any ResponseCache
    public let settings: ServerSettings
    public let configuration: StockSchoolConfiguration
    public let metrics: APIMetrics
    /// Panels cached under the data directory, shared with the CLI.
    let panelCache: PanelCache
    let storeMetrics: StoreMetrics
    let generations: GenerationWatcher
    let jobs: BackgroundJobs
    /// Evaluations answered in the request (`POST /api/v1/factors/evaluate`, the dashboard's
    /// factor page) run one at a time: each already uses every core, and each holds its panel
    /// in memory.
    let evaluations = Gate()
    let authenticator: APIKeyAuthenticator
    let rateLimiter: RateLimiter
    let auditWriter: AuditWriter
    /// The alert engine's counters (`stockschool_alerts_firing`, notifications per channel).
    public let alertMetrics: AlertMetrics
    /// Where alerts go; empty unless `serve` runs the alert engine with channels configured.
    let alertChannels: [String: any AlertChannel]
    let logger: Logger

    /// `rateLimitClock` (monotonic nanoseconds) replaces the process's clock for rate limits, so
    /// a test decides when buckets refill.
    public init(
        store: any MarketStore, cache: any ResponseCache, settings: ServerSettings,
        configuration: StockSchoolConfiguration, alertChannels: [String: any AlertChannel] = [:],
        alertMetrics: AlertMetrics = AlertMetrics(), logger: Logger = Logger(label: "stockschool.api"),
        rateLimitClock: (@Sendable () -> UInt64)? = nil
    ) {
        self.alertChannels = alertChannels
        self.alertMetrics = alertMetrics
        let metrics = APIMetrics()
        let storeMetrics = StoreMetrics(registry: metrics.registry, poolSize: store.dialect == .postgres ? 8 : 5)
        self.store = InstrumentedStore(base: store, metrics: storeMetrics)
        self.storeMetrics = storeMetrics
        self.cache = cache
        self.settings = settings
        self.configuration = configuration
        self.panelCache = PanelCache(dataDirectory: configuration.dataDirectory)
        self.logger = logger
        self.metrics = metrics
        self.jobs = BackgroundJobs(logger: logger)
        self.generations = GenerationWatcher(
            store: self.store, interval: settings.generationPollInterval, logger: logger)
        self.authenticator = APIKeyAuthenticator(
            keys: APIKeyStore(self.store), cacheLifetime: settings.keyCacheLifetime,
            touchInterval: settings.keyTouchInterval, logger: logger)
        self.rateLimiter = RateLimiter(clock: rateLimitClock ?? RateLimiter.uptime)
        self.auditWriter = AuditWriter(log: AuditLogStore(self.store), logger: logger)
    }
}
