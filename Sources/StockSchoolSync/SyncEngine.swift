import StockSchoolCore
import StockSchoolStore

/// What to sync.
public struct SyncRequest: Sendable, Equatable {
    public var datasets: [Dataset]
    public var start: TradeDate
    public var end: TradeDate
    /// Refetch units already committed.
    public var full: Bool
    /// Indices for `index_daily` and `index_weight`.
    public var indexCodes: [TSCode]
    /// Units fetched at once. Each still commits in its own transaction; the rate limiter paces
    /// the calls, so concurrency only hides network latency.
    public var concurrency: Int

    public init(
        datasets: [Dataset] = Dataset.allCases, start: TradeDate, end: TradeDate, full: Bool = false,
        indexCodes: [TSCode] = [SampleMarket.indexCode], concurrency: Int = 1
    ) {
        self.datasets = datasets
        self.start = start
        self.end = end
        self.full = full
        self.indexCodes = indexCodes
        self.concurrency = max(1, concurrency)
    }
}

/// One step of a run, reported as it commits.
public struct SyncProgress: Sendable, Equatable {
    public var completedUnits: Int
    public var totalUnits: Int
    public var rows: Int
    public var dataset: Dataset
    public var tradeDate: TradeDate?
}

/// How a run went.
public struct SyncReport: Sendable, Equatable {
    public var runID: Int64
    public var status: SyncRunOutcome.Status
    public var units: Int
    public var rows: Int
    public var calls: Int
    public var rowsByDataset: [String: Int]
    /// Lowest daily quality score among the dates checked, `nil` if none were.
    public var worstQuality: Double?
    public var qualityReports: Int
    /// Datasets skipped because the source refused them (no permission).
    public var skipped: [String] = []
    /// Units that failed (malformed payload, retries exhausted) and stay missing for the next run.
    public var failures: [String] = []
}

/// What a failed fetch means for the rest of the run (TUSHARE.md's reactions).
enum FailureReaction {
    /// Bad token, IP not allowed, daily quota spent, or a store error: nothing else can succeed.
    case stopRun
    /// No permission for this API: skip its dataset, go on with the others.
    case skipDataset
    /// This unit only: it stays missing and the next run retries it.
    case failUnit

    init(_ error: any Error) {
        switch error as? TushareError {
        case .noPermission: self = .skipDataset
        case .malformedPayload, .gaveUp, .server, .transport: self = .failUnit
        case .badToken, .ipNotAllowed, .rateLimited, nil: self = .stopRun
        }
    }
}

/// Fetches what is missing for a request and commits it unit by unit: a unit is one dataset on
/// one trade date, and its rows and its `sync_state` checkpoint commit in one transaction, so an
/// interrupted run resumes exactly where it stopped and never duplicates or half-writes a day.
public struct SyncEngine: Sendable {
    public let source: any DataSource
    public let store: any MarketStore

    public init(source: any DataSource, store: any MarketStore) {
        self.source = source
        self.store = store
    }

    @discardableResult
    public func run(
        _ request: SyncRequest, progress: (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        guard request.start <= request.end else {
            throw StockSchoolError.invalidDateRange(start: request.start, end: request.end)
        }
        let runID = try await store.startSyncRun(source: source.name, datasets: request.datasets.map(\.rawValue))
        var outcome = SyncRunOutcome(id: runID, status: .running)
        do {
            var report = try await execute(request, runID: runID, outcome: &outcome, progress: progress)
            outcome.status = report.skipped.isEmpty && report.failures.isEmpty ? .succeeded : .partial
            outcome.skipped = report.skipped
            outcome.errors = report.failures.count
            if !report.failures.isEmpty {
                outcome.message = report.failures.prefix(5).joined(separator: "; ")
            }
            if let counted = source as? TushareSource {
                outcome.calls = counted.client.counters.calls
                outcome.retries = counted.client.counters.retries
                report.calls = outcome.calls
            }
            report.status = outcome.status
            try await store.finishSyncRun(outcome)
            return report
        } catch {
            outcome.status = .failed
            outcome.errors += 1
            outcome.message = "\(error)"
            try? await store.finishSyncRun(outcome)
            throw error
        }
    }

    private func execute(
        _ request: SyncRequest, runID: Int64, outcome: inout SyncRunOutcome,
        progress: (SyncProgress) -> Void
    ) async throws -> SyncReport {
        var rowsByDataset: [String: Int] = [:]
        var skipped: [String] = []
        var failures: [String] = []
        /// Runs one fetch-and-commit; returns false when it failed in a way the run survives.
        func attempt(_ dataset: Dataset, _ label: String, _ body: () async throws -> Void) async throws -> Bool {
            do {
                try await body()
                return true
            } catch {
                switch FailureReaction(error) {
                case .stopRun: throw error
                case .skipDataset:
                    if !skipped.contains(dataset.rawValue) { skipped.append(dataset.rawValue) }
                case .failUnit: failures.append("\(label): \(error)")
                }
                return false
            }
        }
        func checkpoint(_ dataset: Dataset, _ date: TradeDate, _ rows: Int) -> SyncCheckpoint {
            SyncCheckpoint(unit: dataset, on: date, source: source.name, rows: rows, runID: runID)
        }

        // Reference data first: the calendar and the stock list drive everything else.
        if request.datasets.contains(.stockBasic) {
            _ = try await attempt(.stockBasic, "stock_basic") {
                let basics = try await source.stockBasic()
                outcome.calls += 1
                try await store.upsert(basics, checkpoints: [checkpoint(.stockBasic, request.end, basics.count)])
                rowsByDataset[Dataset.stockBasic.rawValue] = basics.count
            }
        }
        if request.datasets.contains(.tradeCal) {
            _ = try await attempt(.tradeCal, "trade_cal") {
                let days = try await source.tradeCal(start: request.start, end: request.end)
                outcome.calls += 1
                try await store.upsert(days, checkpoints: [checkpoint(.tradeCal, request.end, days.count)])
                rowsByDataset[Dataset.tradeCal.rawValue] = days.count
            }
        }
        let planner = SyncPlanner(store: store, source: source.name)
        let calendar = try await planner.calendar()
        let plan = try await planner.plan(request, calendar: calendar)
        guard !plan.openDays.isEmpty else { throw SyncError.noTradingDays(start: request.start, end: request.end) }
        let units = plan.units.map { ($0.dataset, $0.tradeDate) }
        let indexMissing = plan.indexDays
        let total = units.count + (indexMissing.isEmpty ? 0 : 1) + plan.indexWeightWindows.count
        var completed = 0
        var rows = 0

        let basics = try await store.read(StockBasic.self)
        let quality = QualityCheck(stockBasic: basics, calendar: calendar)
        var worstQuality: Double?
        var reports = 0
        let memory = try await QualityMemory.load(store: store, calendar: calendar, concurrency: request.concurrency)
        await memory.expect(units)
        let unit = UnitRunner(source: source, store: store, quality: quality, memory: memory, runID: runID)
        try await withThrowingTaskGroup(of: UnitRunner.Result.self) { group in
            var pending = units[...]
            func launch() async {
                while let (dataset, date) = pending.popFirst() {
                    // Units of a dataset refused meanwhile are not even asked for.
                    if skipped.contains(dataset.rawValue) {
                        await memory.settle(dataset, date)
                        continue
                    }
                    group.addTask { await unit.run(dataset, date) }
                    return
                }
            }
            for _ in 0..<request.concurrency { await launch() }
            func runUnits() async throws {
                while let result = try await group.next() {
                    outcome.calls += 1
                    completed += 1
                    switch result.outcome {
                    case .committed(let count, let score):
                        rows += count
                        rowsByDataset[result.dataset.rawValue, default: 0] += count
                        if let score {
                            worstQuality = min(worstQuality ?? 1, score)
                            reports += 1
                        }
                    case .failed(let error):
                        switch FailureReaction(error) {
                        case .stopRun: throw error
                        case .skipDataset:
                            if !skipped.contains(result.dataset.rawValue) { skipped.append(result.dataset.rawValue) }
                        case .failUnit: failures.append("\(result.dataset.rawValue) \(result.date): \(error)")
                        }
                    }
                    progress(
                        SyncProgress(
                            completedUnits: completed, totalUnits: total, rows: rows, dataset: result.dataset,
                            tradeDate: result.date))
                    await launch()
                }
            }
            do {
                try await runUnits()
            } catch {
                // Units still running may be waiting for ones that will now never run.
                await memory.settleAll()
                throw error
            }
        }

        if let first = indexMissing.first, let last = indexMissing.last {
            let missing = Set(indexMissing)
            for code in request.indexCodes {
                _ = try await attempt(.indexDaily, "index_daily \(code)") {
                    let bars = try await source.indexDaily(tsCode: code, start: first, end: last).filter {
                        missing.contains($0.bar.tradeDate)
                    }
                    outcome.calls += 1
                    var perDate: [TradeDate: Int] = [:]
                    for bar in bars { perDate[bar.bar.tradeDate, default: 0] += 1 }
                    try await store.upsert(
                        bars, checkpoints: indexMissing.map { checkpoint(.indexDaily, $0, perDate[$0] ?? 0) })
                    rows += bars.count
                    rowsByDataset[Dataset.indexDaily.rawValue, default: 0] += bars.count
                }
            }
            completed += 1
            progress(
                SyncProgress(
                    completedUnits: completed, totalUnits: total, rows: rows, dataset: .indexDaily, tradeDate: last))
        }
        for window in plan.indexWeightWindows {
            // A refused API is not asked again month after month.
            if skipped.contains(Dataset.indexWeight.rawValue) { break }
            let label = "index_weight \(window.start)–\(window.end)"
            _ = try await attempt(.indexWeight, label) {
                // Every index's rows of the month commit with the month's checkpoints: all or none.
                var weights: [IndexWeight] = []
                for code in request.indexCodes {
                    weights += try await source.indexWeight(indexCode: code, start: window.start, end: window.end)
                    outcome.calls += 1
                }
                var perDate: [TradeDate: Int] = [:]
                for weight in weights { perDate[weight.tradeDate, default: 0] += 1 }
                try await store.upsert(
                    weights, checkpoints: window.days.map { checkpoint(.indexWeight, $0, perDate[$0] ?? 0) })
                rows += weights.count
                rowsByDataset[Dataset.indexWeight.rawValue, default: 0] += weights.count
            }
            completed += 1
            progress(
                SyncProgress(
                    completedUnits: completed, totalUnits: total, rows: rows, dataset: .indexWeight,
                    tradeDate: window.days.last ?? window.end))
        }
        let gaps = try await CalendarGapCheck(store: store, calendar: calendar, runID: runID).run(
            datasets: request.datasets.filter { !skipped.contains($0.rawValue) })
        for gap in gaps {
            worstQuality = min(worstQuality ?? 1, gap.score)
            reports += 1
        }
        outcome.rows = rows + (rowsByDataset["stock_basic"] ?? 0) + (rowsByDataset["trade_cal"] ?? 0)
        return SyncReport(
            runID: runID, status: .succeeded, units: completed, rows: outcome.rows, calls: outcome.calls,
            rowsByDataset: rowsByDataset, worstQuality: worstQuality, qualityReports: reports, skipped: skipped,
            failures: failures)
    }
}

/// Fetches one (dataset, trade date) unit and commits its rows with their checkpoint, in one
/// transaction with the day's quality report.
struct UnitRunner: Sendable {
    enum Outcome: Sendable {
        case committed(rows: Int, quality: Double?)
        case failed(any Error)
    }

    struct Result: Sendable {
        let dataset: Dataset
        let date: TradeDate
        let outcome: Outcome
    }

    let source: any DataSource
    let store: any MarketStore
    let quality: QualityCheck
    let memory: QualityMemory
    let runID: Int64

    func run(_ dataset: Dataset, _ date: TradeDate) async -> Result {
        let result: Result
        do {
            result = Result(dataset: dataset, date: date, outcome: try await fetchAndCommit(dataset, date))
        } catch {
            result = Result(dataset: dataset, date: date, outcome: .failed(error))
        }
        await memory.settle(dataset, date)
        return result
    }

    func checkpoint(_ dataset: Dataset, _ date: TradeDate, _ rows: Int) -> SyncCheckpoint {
        SyncCheckpoint(unit: dataset, on: date, source: source.name, rows: rows, runID: runID)
    }

    /// The unit's rows, checkpoint and quality report commit together; the report compares the
    /// day with the day before, which `memory` usually still holds.
    func fetchAndCommit(_ dataset: Dataset, _ date: TradeDate) async throws -> Outcome {
        let rows: Int
        let report: QualityReport
        let day: QualityMemory.Day
        switch dataset {
        case .daily:
            let bars = try await source.daily(tradeDate: date)
            report = quality.check(bars, on: date, runID: runID, at: .now, context: try await context(dataset, date))
            try await store.upsert(bars, checkpoints: [checkpoint(dataset, date, bars.count)], reports: [report])
            (rows, day) = (bars.count, QualityMemory.Day(bars))
        case .adjFactor:
            let factors = try await source.adjFactor(tradeDate: date)
            report = quality.check(factors, on: date, runID: runID, at: .now, context: try await context(dataset, date))
            try await store.upsert(factors, checkpoints: [checkpoint(dataset, date, factors.count)], reports: [report])
            (rows, day) = (factors.count, QualityMemory.Day(factors))
        case .dailyBasic:
            let basics = try await source.dailyBasic(tradeDate: date)
            report = quality.check(basics, on: date, runID: runID, at: .now, context: try await context(dataset, date))
            try await store.upsert(basics, checkpoints: [checkpoint(dataset, date, basics.count)], reports: [report])
            (rows, day) = (basics.count, QualityMemory.Day(codes: Set(basics.map(\.tsCode))))
        case .stockBasic, .tradeCal, .indexDaily, .indexWeight:
            return .committed(rows: 0, quality: nil)
        }
        await memory.remember(dataset, on: date, day)
        return .committed(rows: rows, quality: report.score)
    }

    private func context(_ dataset: Dataset, _ date: TradeDate) async throws -> QualityContext {
        try await memory.context(for: dataset, on: date)
    }
}

extension SyncCheckpoint {
    /// The checkpoint of one committed unit, stamped now.
    init(unit dataset: Dataset, on date: TradeDate, source: String, rows: Int, runID: Int64) {
        self.init(
            source: source, dataset: dataset.rawValue, tradeDate: date, rows: Int64(rows), runID: runID,
            completedAt: .now)
    }
}
