import StockSchoolCore
import StockSchoolStore

/// Everything a sync writes, read back in key order: two stores hold the same data exactly when
/// their snapshots are equal.
public struct StoreSnapshot: Equatable, Sendable {
    public let daily: [DailyBar]
    public let adj: [AdjFactor]
    public let basic: [DailyBasic]
    public let index: [IndexDailyBar]
    public let indexWeights: [IndexWeight]
    public let stocks: [StockBasic]
    public let calendar: [TradeCalDay]
    /// Sync checkpoints (their count: timestamps and run ids differ between runs by design).
    public let checkpoints: Int

    public init(_ store: any MarketStore) async throws {
        daily = try await store.read(DailyBar.self)
        adj = try await store.read(AdjFactor.self)
        basic = try await store.read(DailyBasic.self)
        index = try await store.read(IndexDailyBar.self)
        indexWeights = try await store.read(IndexWeight.self)
        stocks = try await store.read(StockBasic.self)
        calendar = try await store.read(TradeCalDay.self)
        checkpoints = try await store.read(SyncCheckpoint.self).count
    }

    /// Opens the store at `url`, reads it, and closes it.
    public init(url: String) async throws {
        let store = try await openStore(url: url)
        do {
            try await self.init(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
