import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` at arbitrary instants of a Tushare sync, then a final run: the store must equal the
/// one an uninterrupted sync produces — nothing lost, nothing duplicated, nothing half-written.
@Suite struct ResumeAfterKillTests {
    func start(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = CLITests.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(arguments: TestBackend.available)
    func killedSyncsResumeToTheSameDatabase(_ backend: TestBackend) async throws {
        let market = try SampleMarket(
            SampleMarketConfiguration(
                stocks: 15, start: TradeDate(unchecked: 2024_04_01), end: TradeDate(unchecked: 2024_05_31), seed: 8))
        let fixture = try await TushareFixture.start(market: market)
        // Every reply takes a little while, so the kills land in the middle of the work.
        fixture.inject(.slow(.milliseconds(40)), times: 1_000_000)
        let clean = try await TestStore.make(backend, migrate: false)
        let resumed = try await TestStore.make(backend, migrate: false)
        try await clean.store.close()
        try await resumed.store.close()
        let environment = ["TUSHARE_TOKEN": TushareFixture.token, "TUSHARE_API_URL": fixture.baseURL]
        let sync = ["sync", "--source", "tushare", "--start", "20240401", "--end", "20240531", "--concurrency", "1"]
        do {
            let first = try start(sync + ["--store", clean.url], environment: environment)
            first.waitUntilExit()
            #expect(first.terminationStatus == 0)
            // Kill points in seconds after start: early (migration, reference data) and later; 3.5 s
            // in all, less than the ~5.5 s of work, so the last kill leaves the store incomplete.
            for delay in [0.05, 0.3, 0.6, 0.9, 1.2, 0.45] {
                let process = try start(sync + ["--store", resumed.url], environment: environment)
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            // The last kill interrupted a run: the store is incomplete before the final run.
            let interrupted = try await StoreSnapshot(url: resumed.url)
            let expected = try await StoreSnapshot(url: clean.url)
            #expect(interrupted.checkpoints < expected.checkpoints)
            let last = try start(sync + ["--store", resumed.url], environment: environment)
            last.waitUntilExit()
            #expect(last.terminationStatus == 0)
            #expect(expected.daily.count == market.rowCounts.daily)
            #expect(try await StoreSnapshot(url: resumed.url) == expected)
        } catch {
            try? await fixture.stop()
            await clean.tearDown()
            await resumed.tearDown()
            throw error
        }
        try await fixture.stop()
        await clean.tearDown()
        await resumed.tearDown()
    }
}
