import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolFactors

@Suite struct PanelCacheTests {
    static let configuration = SampleMarketConfiguration(
        stocks: 12, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_03_29), seed: 9)

    func same(_ a: FactorPanel?, _ b: FactorPanel) -> Bool {
        guard let a, a.tsCodes == b.tsCodes, a.dates == b.dates, a.fields.keys.sorted() == b.fields.keys.sorted()
        else { return false }
        return b.fields.allSatisfy { name, values in
            zip(a.fields[name] ?? [], values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }

    /// Served only while the store is unchanged: a new sync run or changed rows invalidate it.
    @Test func servesTheSamePanelAndNeverAStaleOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ss-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = PanelCache(directory: directory.path)
        let (start, end) = (Self.configuration.start, Self.configuration.end)
        let fields: Set<String> = ["close", "open", "volume", "pe_ttm"]
        try await TestStore.with(.sqlite) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(Self.configuration), store: store).run(
                SyncRequest(start: start, end: end))
            let loaded = try await FactorPanelLoader.load(store: store, start: start, end: end, fields: fields)
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields) == nil)
            try await cache.save(loaded, store: store, start: start, end: end, tsCodes: nil)
            let cached = try await cache.load(
                store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields)
            #expect(same(cached, loaded))
            // Other fields, adjustment or range: another entry.
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .hfq, fields: fields) == nil)
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: ["close"]) == nil)

            // A hole punched in the data: rows and their checkpoint deleted.
            try await store.execute(atomically: [
                SQLStatement("DELETE FROM stock_daily WHERE trade_date = ?", [.integer(Int64(end.rawValue))]),
                SQLStatement(
                    "DELETE FROM sync_state WHERE dataset = 'daily' AND trade_date = ?", [.integer(Int64(end.rawValue))]
                ),
            ])
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields) == nil)
            // Refilled by a sync (a new run), and cached again.
            try await SyncEngine(source: SampleSource(Self.configuration), store: store).run(
                SyncRequest(datasets: [.daily], start: start, end: end))
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields) == nil)
            let reloaded = try await FactorPanelLoader.load(store: store, start: start, end: end, fields: fields)
            try await cache.save(reloaded, store: store, start: start, end: end, tsCodes: nil)
            #expect(
                same(
                    try await cache.load(
                        store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields), loaded))
            // A sync run that changes nothing still invalidates: runs are the stamp's first part.
            try await SyncEngine(source: SampleSource(Self.configuration), store: store).run(
                SyncRequest(start: start, end: end))
            #expect(
                try await cache.load(
                    store: store, start: start, end: end, tsCodes: nil, adjustment: .qfq, fields: fields) == nil)
        }
    }
}
