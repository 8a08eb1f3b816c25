import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolTestSupport
import Synchronization
import Testing

/// The worker's queue on both backends: stages, fenced claims, retries, releases, expired
/// leases and the jobs' settlement. Leases are expired by moving `lease_expires_at` into the
/// past rather than by waiting, so the tests are exact and quick.
@Suite struct WorkQueueTests {
    static let source = SyncSourceSpec(
        kind: .sample, start: TradeDate(unchecked: 2024_01_02), end: TradeDate(unchecked: 2024_01_31), stocks: 5,
        seed: 1)
    static let model = WorkerJob.ModelSpec(
        set: "alpha158-quick", weighting: "icir", window: 20, horizon: 5, evaluationDays: 60)

    static func queue(_ store: any MarketStore, maxAttempts: Int = 2) -> WorkQueue {
        WorkQueue(store: store, maxAttempts: maxAttempts, leaseSeconds: 60, retryDelay: 0)
    }

    static func enqueue(
        _ queue: WorkQueue, _ job: WorkerJob = .sync, at seconds: Double = 1_800_000_000
    ) async throws
        -> Int64
    {
        try await queue.enqueue(
            job, scheduledFor: Timestamp(secondsSinceEpoch: seconds),
            units: job.plan(source: source, model: model), params: "{}", by: "test"
        ).id
    }

    /// Moves a unit's lease into the past: its worker "died".
    static func expire(_ store: any MarketStore, unit: Int64) async throws {
        try await store.query(
            SQLStatement(
                "UPDATE worker_units SET lease_expires_at = ? WHERE id = ?",
                [store.timestampValue(Timestamp(secondsSinceEpoch: 1_000_000_000)), .integer(unit)]))
    }

    static func status(_ store: any MarketStore, job: Int64) async throws -> String? {
        try await store.query(SQLStatement("SELECT status FROM worker_jobs WHERE id = ?", [.integer(job)])).first?
            .first?.string
    }

    @Test(arguments: TestBackend.available)
    func enqueueingAFireTimeTwiceMakesOneRun(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store)
            let first = try await queue.enqueue(
                .sync, scheduledFor: Timestamp(secondsSinceEpoch: 1_800_000_000),
                units: WorkerJob.sync.plan(source: Self.source, model: Self.model), params: "{}", by: "a")
            let again = try await queue.enqueue(
                .sync, scheduledFor: Timestamp(secondsSinceEpoch: 1_800_000_000),
                units: WorkerJob.sync.plan(source: Self.source, model: Self.model), params: "{}", by: "b")
            #expect(first.created && !again.created && first.id == again.id)
            let units = try await queue.units(jobs: [first.id])
            #expect(
                units.map(\.name) == ["reference", "daily", "adj_factor", "daily_basic", "index_daily", "index_weight"])
            #expect(units.map(\.stage) == [0, 1, 1, 1, 1, 1])
            // Another fire time is another run.
            let next = try await Self.enqueue(queue, at: 1_800_086_400)
            #expect(next != first.id)
        }
    }

    @Test(arguments: TestBackend.available)
    func stagesRunInOrderAndTheJobSucceedsWithItsLastUnit(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store)
            let job = try await Self.enqueue(queue)
            let reference = try #require(try await queue.claim(worker: "a"))
            #expect(reference.name == "reference" && reference.attempt == 1 && reference.job == "sync")
            // Stage 1 waits for stage 0.
            #expect(try await queue.claim(worker: "b") == nil)
            #expect(try await Self.status(store, job: job) == "running")
            #expect(try await queue.complete(reference, detail: "ok") == .succeeded)
            var names: [String] = []
            while let unit = try await queue.claim(worker: names.count.isMultiple(of: 2) ? "a" : "b") {
                names.append(unit.name)
                #expect(try await Self.status(store, job: job) == "running")
                #expect(try await queue.complete(unit, detail: "rows") == .succeeded)
            }
            #expect(names == ["daily", "adj_factor", "daily_basic", "index_daily", "index_weight"])
            #expect(try await Self.status(store, job: job) == "succeeded")
            let record = try #require(try await queue.jobRecord(id: job))
            #expect(record.attempts == 6 && record.duration != nil)
            let runs = try await queue.runs(jobs: [job])
            #expect(runs.count == 6 && runs.allSatisfy { $0.outcome == "succeeded" })
        }
    }

    @Test(arguments: TestBackend.available)
    func aKilledWorkersUnitIsTakenOverAndCompletesOnce(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store, maxAttempts: 3)
            let job = try await Self.enqueue(queue, .factors)
            let first = try #require(try await queue.claim(worker: "a"))
            // While the lease holds nobody else gets it.
            #expect(try await queue.claim(worker: "b") == nil)
            try await Self.expire(store, unit: first.id)
            let second = try #require(try await queue.claim(worker: "b"))
            #expect(second.id == first.id && second.attempt == 2 && second.worker == "b")
            // The old claim is fenced off: no heartbeat, no completion, no failure.
            #expect(try await !queue.heartbeat(first))
            #expect(try await queue.complete(first, detail: "late") == .lost)
            #expect(try await queue.fail(first, error: "late") == .lost)
            #expect(try await queue.heartbeat(second))
            #expect(try await queue.complete(second, detail: "done") == .succeeded)
            // Completing again under the same claim changes nothing.
            #expect(try await queue.complete(second, detail: "again") == .succeeded)
            let runs = try await queue.runs(jobs: [job]).filter { $0.unitID == first.id }
            #expect(runs.map(\.worker) == ["a", "b"])
            // a's run was abandoned when b claimed the unit, then lost when a tried to report.
            #expect(runs.map(\.outcome) == ["lost", "succeeded"])
            let unit = try #require(try await queue.units(jobs: [job]).first { $0.id == first.id })
            #expect(unit.status == "succeeded" && unit.attempts == 2 && unit.detail == "done")
        }
    }

    @Test(arguments: TestBackend.available)
    func aFailedUnitIsRetriedThenFailsItsJobAndCancelsTheRest(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store, maxAttempts: 2)
            let job = try await Self.enqueue(queue, .factors)
            let first = try #require(try await queue.claim(worker: "a"))
            #expect(try await queue.fail(first, error: "network down") == .retrying)
            #expect(try await Self.status(store, job: job) == "running")
            let second = try #require(try await queue.claim(worker: "a"))
            #expect(second.id == first.id && second.attempt == 2)
            #expect(try await queue.fail(second, error: "still down") == .failed)
            #expect(try await queue.claim(worker: "a") == nil)
            let record = try #require(try await queue.jobRecord(id: job))
            #expect(record.status == "failed" && record.error == "factors: still down")
            let units = try await queue.units(jobs: [job])
            #expect(units.map(\.status) == ["failed", "cancelled", "cancelled", "cancelled"])
            #expect(try await queue.runs(jobs: [job]).map(\.outcome) == ["failed", "failed"])
        }
    }

    @Test(arguments: TestBackend.available)
    func aRetryWaitsForItsDelay(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = WorkQueue(store: store, maxAttempts: 3, leaseSeconds: 60, retryDelay: 3600)
            _ = try await Self.enqueue(queue, .factors)
            let unit = try #require(try await queue.claim(worker: "a"))
            #expect(try await queue.fail(unit, error: "x") == .retrying)
            #expect(try await queue.claim(worker: "a") == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aReleasedUnitIsQueuedAtOnceWithoutCountingATry(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store, maxAttempts: 1)
            let job = try await Self.enqueue(queue, .factors)
            let unit = try #require(try await queue.claim(worker: "a"))
            #expect(try await queue.release(unit) == .released)
            let again = try #require(try await queue.claim(worker: "b"))
            #expect(again.id == unit.id && again.attempt == 1)
            #expect(try await queue.runs(jobs: [job]).map(\.outcome) == ["released", nil])
        }
    }

    @Test(arguments: TestBackend.available)
    func anExpiredLastTryIsReapedAndFailsItsJob(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store, maxAttempts: 1)
            let job = try await Self.enqueue(queue, .factors)
            let unit = try #require(try await queue.claim(worker: "a"))
            try await queue.reapExpired()
            #expect(try await Self.status(store, job: job) == "running")
            try await Self.expire(store, unit: unit.id)
            // No try left: nobody claims it, the reaper fails it.
            #expect(try await queue.claim(worker: "b") == nil)
            try await queue.reapExpired()
            let record = try #require(try await queue.jobRecord(id: job))
            #expect(record.status == "failed")
            #expect(record.error?.contains("stopped heartbeating") == true)
            #expect(try await queue.runs(jobs: [job]).map(\.outcome) == ["abandoned"])
        }
    }

    @Test(arguments: TestBackend.available)
    func laterRunsWaitForEarlierOnes(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store)
            let sync = try await Self.enqueue(queue, .sync, at: 1_800_000_000)
            let factors = try await Self.enqueue(queue, .factors, at: 1_800_003_600)
            var claimed: [ClaimedUnit] = []
            while let unit = try await queue.claim(worker: "a") { claimed.append(unit) }
            // The reference unit only: its stage holds the sync, and the sync holds the factors.
            #expect(claimed.map(\.jobID) == [sync])
            for unit in claimed { _ = try await queue.complete(unit, detail: "") }
            // The sync's five datasets, all claimable together, before anything of the factors.
            var datasets: [ClaimedUnit] = []
            while let unit = try await queue.claim(worker: "a") { datasets.append(unit) }
            #expect(datasets.count == 5 && datasets.allSatisfy { $0.jobID == sync })
            for unit in datasets { _ = try await queue.complete(unit, detail: "") }
            let next = try #require(try await queue.claim(worker: "a"))
            #expect(next.jobID == factors && next.name == "factors")
        }
    }

    @Test(arguments: TestBackend.available)
    func metricsCountRunsByOutcome(backend: TestBackend) async throws {
        try await TestStore.with(backend) { store in
            let queue = Self.queue(store, maxAttempts: 1)
            let empty = try await queue.metricsSnapshot()
            #expect(empty.runs.isEmpty && empty.lastSuccess.isEmpty)
            _ = try await Self.enqueue(queue, .factors, at: 1_800_000_000)
            while let unit = try await queue.claim(worker: "a") { _ = try await queue.complete(unit, detail: "") }
            _ = try await Self.enqueue(queue, .factors, at: 1_800_086_400)
            let doomed = try #require(try await queue.claim(worker: "a"))
            _ = try await queue.fail(doomed, error: "boom")
            let snapshot = try await queue.metricsSnapshot()
            #expect(snapshot.runs["factors"] == ["succeeded": 1, "failed": 1])
            #expect(snapshot.lastSuccess["factors"] != nil)
            #expect(snapshot.lastDuration["factors"] != nil)
            #expect(snapshot.units["running"] == nil)
        }
    }

    /// Many claimers at once on PostgreSQL: `SKIP LOCKED` hands every unit to exactly one.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func concurrentClaimersNeverShareAUnit() async throws {
        try await TestStore.with(.postgres) { store in
            let queue = Self.queue(store)
            // Three runs of the sync job: 18 units, five of each run claimable at once.
            for day in 0..<3 { _ = try await Self.enqueue(queue, .sync, at: 1_800_000_000 + Double(day) * 86_400) }
            let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var done: [Int64] = []
                        var idle = 0
                        while idle < 20 {
                            guard let unit = try await queue.claim(worker: "w\(worker)") else {
                                idle += 1
                                try await Task.sleep(for: .milliseconds(20))
                                continue
                            }
                            idle = 0
                            #expect(try await queue.complete(unit, detail: "") == .succeeded)
                            done.append(unit.id)
                        }
                        return done
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(ids.count == 18 && Set(ids).count == 18)
            let jobs = try await queue.recentJobs(limit: 10)
            #expect(jobs.count == 3 && jobs.allSatisfy { $0.status == "succeeded" })
        }
    }

    @Test(arguments: TestBackend.available)
    func oneLeaderAtATime(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let first = try WorkerLeadership.lock(store: test.store, databaseURL: test.url)
            let store2 = try await openStore(url: test.url)
            let second = try WorkerLeadership.lock(store: store2, databaseURL: test.url)
            #expect(await first.hold())
            #expect(await first.hold())
            #expect(await !second.hold())
            await first.release()
            #expect(await second.hold())
            #expect(await !first.hold())
            await second.release()
            try await store2.close()
        }
    }
}
