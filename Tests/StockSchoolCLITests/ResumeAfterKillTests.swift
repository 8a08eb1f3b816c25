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
            await offPool { first.waitUntilExit() }
            #expect(first.terminationStatus == 0)
            // Kill points by progress, not by clock (a loaded machine would move a timed kill):
            // each run is killed once the fixture has answered this many more of its calls —
            // during the reference data, then deeper into the days. 93 calls in all, fewer than
            // the ~131 of a whole sync, so the last kill leaves the store incomplete.
            for calls in [1, 3, 10, 25, 40, 14] {
                let target = fixture.calls.count + calls
                let process = try start(sync + ["--store", resumed.url], environment: environment)
                let pid = process.processIdentifier
                // The watcher is an OS thread of its own: tests running in parallel may keep the
                // cooperative pool busy, and a late kill would let the sync finish.
                let watcher = Thread {
                    let deadline = Date().addingTimeInterval(60)
                    while kill(pid, 0) == 0 && fixture.calls.count < target && Date() < deadline { usleep(1000) }
                    if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
                }
                watcher.start()
                await offPool { process.waitUntilExit() }
            }
            // The last kill interrupted a run: the store is incomplete before the final run.
            let interrupted = try await StoreSnapshot(url: resumed.url)
            let expected = try await StoreSnapshot(url: clean.url)
            #expect(interrupted.checkpoints < expected.checkpoints)
            let last = try start(sync + ["--store", resumed.url], environment: environment)
            await offPool { last.waitUntilExit() }
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
