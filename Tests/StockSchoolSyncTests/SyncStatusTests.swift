import StockSchoolCore
import StockSchoolStore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolSync

@Suite struct SyncStatusTests {
    @Test(arguments: TestBackend.available)
    func lagCountsDueOpenDaysAndHoursSinceTheFirstWasDue(_ backend: TestBackend) async throws {
        let configuration = SampleMarketConfiguration(
            stocks: 10, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_01_31), seed: 1)
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(configuration), store: store).run(
                SyncRequest(start: configuration.start, end: configuration.end))
            try await store.query(
                SQLStatement("DELETE FROM sync_state WHERE dataset = 'daily' AND trade_date > 20240110"))
            // Friday 2024-01-12 10:00 in Beijing (02:00 UTC): Thursday's data (due Thu 17:00) is
            // 17 hours overdue, Friday's is not yet due.
            let now = try #require(Timestamp(iso8601: "2024-01-12T02:00:00Z"))
            let status = try await SyncStatus.load(store: store, now: now)
            #expect(status.expectedLatest == "20240111")
            let daily = try #require(status.datasets.first { $0.dataset == "daily" })
            #expect(daily.lastComplete == "20240110")
            #expect(daily.lagTradingDays == 1)
            #expect(abs((daily.lagHours ?? 0) - 17) < 1e-6)
            let adj = try #require(status.datasets.first { $0.dataset == "adj_factor" })
            #expect(adj.lagTradingDays == 0)
            #expect(adj.lagHours == 0)
            #expect(status.lastRun?.status == "succeeded")
            #expect(status.overallQuality == 1)
            #expect(daily.quality == 1)
            // After 17:00 on Friday, Friday is due too.
            let evening = try #require(Timestamp(iso8601: "2024-01-12T10:00:00Z"))
            #expect(try await SyncStatus.load(store: store, now: evening).datasets.first?.lagTradingDays == 2)
        }
    }
}
