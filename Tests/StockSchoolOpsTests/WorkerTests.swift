import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore
import StockSchoolTestSupport
import Synchronization
import Testing

/// The worker's runtime with stand-in unit bodies: retries, leadership and scheduling, release
/// at shutdown. The real units (the daily workflow) run in the CLI tests.
@Suite struct WorkerTests {
    static func worker(
        _ store: any MarketStore, url: String, id: String, schedule: WorkerSchedule = WorkerSchedule(entries: []),
        maxAttempts: Int = 3, alerts: Worker.AlertPass? = nil, body: @escaping Worker.UnitBody
    ) throws -> Worker {
        var options = Worker.Options(id: id, schedule: schedule, pollSeconds: 1, alertInterval: 1)
        options.shutdownGrace = .milliseconds(200)
        return Worker(
            options: options,
            queue: WorkQueue(store: store, maxAttempts: maxAttempts, leaseSeconds: 30, retryDelay: 0),
            lock: try WorkerLeadership.lock(store: store, databaseURL: url),
            planner: { job, _ in (job.plan(source: WorkQueueTests.source, model: WorkQueueTests.model), "{}") },
            body: body, alerts: alerts)
    }

    @Test(arguments: TestBackend.available)
    func runOnceRetriesAFailedUnit(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let failures = Mutex(0)
            let worker = try Self.worker(test.store, url: test.url, id: "w") { unit in
                if unit.name == "evaluation",
                    failures.withLock({ n in
                        n += 1
                        return n
                    }) == 1
                {
                    throw WorkflowError("transient")
                }
                return "ok \(unit.name)"
            }
            let record = try await worker.runOnce(.factors)
            #expect(record.status == "succeeded")
            let units = try await worker.queue.units(jobs: [record.id])
            #expect(units.map(\.attempts) == [1, 2, 1, 1])
            #expect(units.map(\.detail) == ["ok factors", "ok evaluation", "ok scores", "ok quality"])
        }
    }

    @Test(arguments: TestBackend.available)
    func runOnceReportsARunThatRanOutOfTries(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let worker = try Self.worker(test.store, url: test.url, id: "w", maxAttempts: 2) { unit in
                if unit.name == "scores" { throw WorkflowError("no ICs") }
                return "ok"
            }
            let record = try await worker.runOnce(.factors)
            #expect(record.status == "failed")
            #expect(record.error == "scores: no ICs")
            let units = try await worker.queue.units(jobs: [record.id])
            #expect(units.map(\.status) == ["succeeded", "succeeded", "failed", "cancelled"])
        }
    }

    /// Two workers on one store: one leads and enqueues the due fire time, once; both work.
    @Test(arguments: TestBackend.available)
    func oneOfTwoWorkersLeadsAndTheirRunSucceeds(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let second = try await openStore(url: test.url)
            // Every minute: the latest fire time is at most a minute old, so it is due at once.
            let schedule = WorkerSchedule(entries: [.init(job: .sync, cron: try CronSchedule("* * * * *"))])
            let workers = [
                try Self.worker(test.store, url: test.url, id: "a", schedule: schedule) { _ in "ok" },
                try Self.worker(second, url: test.url, id: "b", schedule: schedule) { _ in "ok" },
            ]
            let tasks = workers.map { worker in Task { await worker.run() } }
            var leaders: [Bool] = []
            var jobs: [WorkerJobRecord] = []
            // A minute boundary may pass meanwhile and enqueue the next fire time, so the run to
            // wait for is the first one, whichever is newest by then.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                leaders = workers.map(\.isLeader)
                jobs = try await workers[0].queue.recentJobs()
                if leaders.contains(true), jobs.last?.status == "succeeded" { break }
            }
            #expect(leaders.filter { $0 }.count == 1)
            #expect(jobs.last?.status == "succeeded")
            // A minute boundary may pass during the test, but no fire time is enqueued twice.
            #expect(Set(jobs.map(\.scheduledFor)).count == jobs.count)
            let runs = try await workers[0].queue.runs(jobs: jobs.map(\.id))
            #expect(runs.allSatisfy { $0.outcome == "succeeded" || $0.outcome == nil })
            for worker in workers { worker.stop() }
            for task in tasks { await task.value }
            #expect(workers.allSatisfy { !$0.isLeader })
            try await second.close()
        }
    }

    /// Only the leader measures and evaluates the alert rules, so a fleet notifies once.
    @Test(arguments: TestBackend.available)
    func onlyTheLeaderEvaluatesAlerts(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let second = try await openStore(url: test.url)
            let passes = Mutex<[String: Int]>([:])
            func worker(_ store: any MarketStore, _ id: String) throws -> Worker {
                try Self.worker(
                    store, url: test.url, id: id,
                    alerts: {
                        passes.withLock { $0[id, default: 0] += 1 }
                        return "0 firing"
                    }
                ) { _ in "ok" }
            }
            let workers = [try worker(test.store, "a"), try worker(second, "b")]
            let tasks = workers.map { worker in Task { await worker.run() } }
            // Until a leader has made its first pass (seconds, longer on a loaded machine), then
            // one more second in which a non-leader would have made one too.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, passes.withLock({ $0.isEmpty }) {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .seconds(1))
            let leader = workers.first { $0.isLeader }?.id
            for worker in workers { worker.stop() }
            for task in tasks { await task.value }
            let counted = passes.withLock { $0 }
            #expect(leader != nil)
            #expect(counted.keys.sorted() == [leader].compactMap { $0 }, "\(counted)")
            try await second.close()
        }
    }

    @Test(arguments: TestBackend.available)
    func stoppingReleasesTheRunningUnit(backend: TestBackend) async throws {
        try await TestStore.scoped(backend) { test in
            let worker = try Self.worker(test.store, url: test.url, id: "w") { _ in
                try await Task.sleep(for: .seconds(60))
                return "never"
            }
            let job = try await worker.enqueue(.factors, at: .now).id
            let task = Task { await worker.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while worker.currentUnit == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(worker.currentUnit != nil)
            worker.stop()
            await task.value
            let unit = try #require(try await worker.queue.units(jobs: [job]).first)
            #expect(unit.status == "queued" && unit.attempts == 0)
            #expect(try await worker.queue.runs(jobs: [job]).map(\.outcome) == ["released"])
        }
    }

    @Test func aNewLeaderCatchesUpOnTheLatestMissedFireTimeOnly() throws {
        let schedule = WorkerSchedule(entries: [
            .init(job: .sync, cron: try CronSchedule("30 18 * * 1-5")),
            .init(job: .factors, cron: try CronSchedule("30 19 * * 1-5")),
        ])
        let after = try #require(Timestamp(iso8601: "2024-01-04T00:00:00Z"))
        // Monday 8 January 2024, 19:00 Beijing: Thursday's, Friday's and Monday's 18:30 all
        // passed; only Monday's is due. Monday's 19:30 has not come: Friday's is the latest.
        let now = try #require(Timestamp(iso8601: "2024-01-08T11:00:00Z"))
        let due = schedule.due(after: after, now: now)
        #expect(due.map(\.job) == [.sync, .factors])
        #expect(due.map(\.at.iso8601) == ["2024-01-08T10:30:00Z", "2024-01-05T11:30:00Z"])
        #expect(schedule.due(after: now, now: now).isEmpty)
    }

    @Test func theDefaultScheduleComesFromConfiguration() throws {
        var configuration = WorkerConfiguration()
        #expect(WorkerSchedule(configuration).entries.map(\.job) == [.sync, .factors])
        configuration.syncSchedule = nil
        #expect(WorkerSchedule(configuration).entries.map(\.job) == [.factors])
    }
}
