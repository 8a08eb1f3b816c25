import StockSchoolCore
import StockSchoolSync

/// Where a sync unit's data comes from, written into the unit when its job is enqueued, so that
/// whichever worker claims the unit fetches the same market over the same dates. Secrets are
/// not part of it: a worker running a Tushare unit uses its own configured token.
public struct SyncSourceSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case sample, tushare
    }

    public var kind: Kind
    /// `yyyymmdd`.
    public var start: String
    public var end: String
    /// The simulated market's size and seed (sample only).
    public var stocks: Int?
    public var seed: UInt64?

    public init(kind: Kind, start: TradeDate, end: TradeDate, stocks: Int? = nil, seed: UInt64? = nil) {
        self.kind = kind
        self.start = start.description
        self.end = end.description
        self.stocks = stocks
        self.seed = seed
    }

    /// Tushare's history starts here unless told otherwise (as `sync --source tushare`).
    public static let tushareStart = TradeDate(unchecked: 2020_01_02)

    /// The configuration's source: Tushare from 20200102 to `today` when a token is configured,
    /// else the simulated market of `sample.*`; `kind` overrides the choice.
    public static func configured(
        _ configuration: StockSchoolConfiguration, kind: Kind? = nil, today: TradeDate
    ) -> SyncSourceSpec {
        switch kind ?? (configuration.tushareToken == nil ? .sample : .tushare) {
        case .tushare:
            return SyncSourceSpec(kind: .tushare, start: tushareStart, end: max(today, tushareStart))
        case .sample:
            return SyncSourceSpec(
                kind: .sample, start: configuration.sampleStart, end: configuration.sampleEnd,
                stocks: configuration.sampleStocks, seed: configuration.sampleSeed)
        }
    }

    public func request(datasets: [Dataset]) throws -> SyncRequest {
        let (first, last) = (try TradeDate(start), try TradeDate(end))
        guard first <= last else { throw StockSchoolError.invalidDateRange(start: first, end: last) }
        // Tushare calls wait on the network, so eight in flight hide its latency (the rate
        // limiter still paces them); the simulated market is CPU-bound.
        return SyncRequest(datasets: datasets, start: first, end: last, concurrency: kind == .tushare ? 8 : 1)
    }

    public func makeSource(_ configuration: StockSchoolConfiguration) throws -> any DataSource {
        switch kind {
        case .tushare:
            return try Self.tushare(configuration)
        case .sample:
            return try SampleSource(
                SampleMarketConfiguration(
                    stocks: stocks ?? configuration.sampleStocks, start: try TradeDate(start), end: try TradeDate(end),
                    seed: seed ?? configuration.sampleSeed))
        }
    }

    /// Tushare Pro with the configured token, API URL and per-minute limits.
    public static func tushare(_ configuration: StockSchoolConfiguration) throws -> TushareSource {
        guard let token = configuration.tushareToken else {
            throw StockSchoolError.invalidConfiguration(
                key: "tushare.token", source: "environment",
                reason: "no Tushare token; set TUSHARE_TOKEN (or tushare.token in stockschool.yaml)")
        }
        let limiter = RateLimiter(limits: RateLimiter.tushareLimits(overriding: configuration.tushareLimits))
        return TushareSource(
            client: TushareClient(baseURL: configuration.tushareAPIURL, token: token, limiter: limiter))
    }
}
