import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore
import StockSchoolSync

/// The daily workflow's steps — sync, factors, evaluation refresh, scores, quality — written once
/// for `stockschool run-daily` (all steps in one process, in order) and `stockschool worker`
/// (each step a unit of a scheduled job, on whichever worker claims it). Every step is
/// idempotent: run again, it fetches nothing new and writes the same rows.
public struct DailyWorkflow: Sendable {
    public let store: any MarketStore
    /// The score model; its dates are set by each run (`start` and `end` are ignored here).
    public var model: ScoreJob
    /// Trade dates of daily ICs the evaluation step refreshes (and the factors step computes).
    public var evaluationDays: Int
    /// The panel cache the factor steps share (under the data directory).
    public var cache: PanelCache?

    public static let defaultEvaluationDays = 250
    /// The score model's name when none is given (`score --name`'s default).
    public static let defaultModelName = "default"

    public init(
        store: any MarketStore, model: ScoreJob, evaluationDays: Int = DailyWorkflow.defaultEvaluationDays,
        cache: PanelCache?
    ) {
        self.store = store
        self.model = model
        self.evaluationDays = evaluationDays
        self.cache = cache
    }

    /// The score model the configuration describes (`score.set`, `score.weighting`,
    /// `score.window`, `score.horizon`), as `run-daily` uses it without flags.
    public static func model(
        _ configuration: StockSchoolConfiguration, catalog: FactorCatalog, set: String? = nil
    ) throws -> ScoreJob {
        let today = TradeDate.inBeijing(secondsSinceEpoch: Date().timeIntervalSince1970)
        return ScoreJob(
            name: defaultModelName, factors: try catalog.formulas(set: set ?? configuration.scoreSet),
            weighting: ScoreWeighting(rawValue: configuration.scoreWeighting) ?? .icir,
            window: configuration.scoreWindow, horizon: configuration.scoreHorizon, convention: .next,
            start: today, end: today)
    }

    // MARK: sync

    /// Step 1, which needs no score model. Migrates the store and fetches what `request` lacks; a run that failed as a whole throws.
    /// A partial run (some units failed, or a dataset the token may not read) is returned for the
    /// caller to judge.
    public static func sync(
        store: any MarketStore, source: any DataSource, request: SyncRequest,
        progress: (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        try await store.migrate()
        let report = try await SyncEngine(source: source, store: store).run(request, progress: progress)
        guard report.status != .failed else { throw WorkflowError.syncFailed(runID: report.runID) }
        return report
    }

    /// `run 12 succeeded, 1,234 rows`.
    public static func describe(_ report: SyncReport) -> String {
        "run \(report.runID) \(report.status.rawValue), \(grouped(report.rows)) rows"
    }

    // MARK: research

    /// The dates the research steps work on: the store's last trade date with bars, and the
    /// first of the `evaluationDays` trade dates ending there.
    public struct Dates: Sendable, Equatable {
        public let latest: TradeDate
        public let from: TradeDate
    }

    public func dates() async throws -> Dates {
        guard
            let last = try await store.query(SQLStatement("SELECT max(trade_date) FROM stock_daily")).first?.first?.int
        else { throw WorkflowError.noBars }
        let latest = TradeDate(unchecked: Int32(last))
        let rows = try await store.query(
            SQLStatement(
                "SELECT trade_date FROM (SELECT DISTINCT trade_date FROM stock_daily WHERE trade_date <= ? ORDER BY trade_date DESC LIMIT \(evaluationDays)) AS recent ORDER BY trade_date LIMIT 1",
                [.integer(Int64(latest.rawValue))]))
        let from = rows.first?.first?.int.map { TradeDate(unchecked: Int32($0)) } ?? latest
        return Dates(latest: latest, from: from)
    }

    /// Computes the model's factors over the evaluation window on backward-adjusted prices
    /// (warming the panel cache the next steps read). Returns the step's one-line report.
    public func factors(_ dates: Dates) async throws -> String {
        var job = FactorJob(
            factors: model.factors, start: dates.from, end: dates.latest, adjustment: .hfq, cache: cache)
        job.preprocess = []
        let (shape, _) = try await job.summarize(store: store)
        return "\(model.factors.count) factors × \(shape.tsCodes.count) stocks × \(shape.dates.count) dates"
    }

    /// Refreshes the factors' daily ICs (factor_ic) at the model's horizon over the window.
    public func evaluation(_ dates: Dates) async throws -> String {
        let job = EvaluationJob(
            factors: FactorJob(factors: model.factors, start: dates.from, end: dates.latest, cache: cache),
            horizons: [model.horizon], convention: model.convention)
        var best: (String, Double)?
        let (_, stored) = try await job.runStoringICs(store: store) { name, evaluation in
            let ic = evaluation.horizons[0].rankICSummary.mean
            if ic.isFinite, abs(ic) > abs(best?.1 ?? 0) { best = (name, ic) }
        }
        let strongest = best.map { ", strongest \($0.0) (mean RankIC \(String(format: "%+.4f", $0.1)))" } ?? ""
        return "\(Self.grouped(stored)) daily ICs refreshed\(strongest)"
    }

    /// Scores the latest date and stores it (scores, score_weights).
    public func scores(_ dates: Dates) async throws -> SavedScores {
        var job = model
        job.start = dates.latest
        job.end = dates.latest
        job.cache = cache
        return try await SavedScores.compute(job, store: store)
    }

    public static func describe(_ scores: SavedScores) -> String {
        "\(grouped(scores.written.rows)) stocks scored on \(scores.job.end)"
    }

    // MARK: quality

    /// Summarises the data's quality and freshness as the sync left them (the reports are
    /// written by the sync itself; a low score raises the DataQualityLow alert, not an error).
    public func quality() async throws -> String {
        let status = try await SyncStatus.load(store: store)
        let overall = status.overallQuality.map { String(format: "%.3f", $0) } ?? "unknown"
        let late = status.datasets.filter { ($0.lagHours ?? 0) > 0 }.map {
            "\($0.dataset) \(String(format: "%.1f", $0.lagHours ?? 0)) h overdue"
        }
        let low = status.datasets.filter { ($0.quality ?? 1) < 0.8 }.map(\.dataset)
        var detail = "overall quality \(overall)"
        if !low.isEmpty { detail += ", below 0.8: \(low.joined(separator: ", "))" }
        detail += late.isEmpty ? ", every dataset up to date" : ", " + late.joined(separator: ", ")
        return detail
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String { n.digitsGrouped }
}
