import Foundation
import StockSchoolCore
import StockSchoolSync

/// The worker's scheduled jobs and the units each run is split into.
///
/// - `sync`: stage 0 is the reference data (stock_basic, trade_cal), which every other dataset
///   is planned against; stage 1 is one unit per dataset (daily, adj_factor, daily_basic,
///   index_daily, index_weight). A dataset is the unit — not a date range of it — because
///   Tushare's rate limits are per API and per token: one worker calling one API keeps within
///   its limit, while two workers splitting one API's dates would each pace themselves to the
///   whole limit and together exceed it. Within a unit the sync engine still commits date by
///   date, so a unit taken over after a kill resumes where the killed worker stopped.
/// - `factors`: factors → evaluation (daily ICs) → scores → quality, one unit per step, each a
///   stage of its own since each reads what the previous wrote.
public enum WorkerJob: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case sync
    case factors

    public var description: String { rawValue }

    /// A unit as enqueued: its name (unique within the job), stage and parameters.
    public struct PlannedUnit: Sendable, Equatable {
        public let name: String
        public let stage: Int
        public let params: UnitParams
    }

    /// What a job's units are told; each unit is given everything it needs, so the worker that
    /// claims it does not depend on the one that enqueued it.
    public struct UnitParams: Codable, Sendable, Equatable {
        public var source: SyncSourceSpec?
        public var datasets: [String]?
        public var model: ModelSpec?

        public init(source: SyncSourceSpec? = nil, datasets: [String]? = nil, model: ModelSpec? = nil) {
            self.source = source
            self.datasets = datasets
            self.model = model
        }

        public var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // Encoding plain strings and numbers cannot fail; "{}" keeps the row valid anyway.
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }

        public static func decode(_ json: String) throws -> UnitParams {
            do {
                return try JSONDecoder().decode(UnitParams.self, from: Data(json.utf8))
            } catch {
                throw WorkflowError("unit parameters '\(json.prefix(200))' cannot be read: \(error)")
            }
        }
    }

    /// The score model a factors job runs, from the enqueuing worker's configuration.
    public struct ModelSpec: Codable, Sendable, Equatable {
        public var set: String
        public var weighting: String
        public var window: Int
        public var horizon: Int
        public var evaluationDays: Int

        public init(set: String, weighting: String, window: Int, horizon: Int, evaluationDays: Int) {
            self.set = set
            self.weighting = weighting
            self.window = window
            self.horizon = horizon
            self.evaluationDays = evaluationDays
        }

        public static func configured(_ configuration: StockSchoolConfiguration) -> ModelSpec {
            ModelSpec(
                set: configuration.scoreSet, weighting: configuration.scoreWeighting, window: configuration.scoreWindow,
                horizon: configuration.scoreHorizon, evaluationDays: DailyWorkflow.defaultEvaluationDays)
        }
    }

    /// The units of one run of this job.
    public func plan(source: SyncSourceSpec, model: ModelSpec) -> [PlannedUnit] {
        switch self {
        case .sync:
            let reference = PlannedUnit(
                name: "reference", stage: 0,
                params: UnitParams(source: source, datasets: [Dataset.stockBasic.rawValue, Dataset.tradeCal.rawValue]))
            let datasets = Dataset.allCases.filter { !$0.isReference }.map {
                PlannedUnit(name: $0.rawValue, stage: 1, params: UnitParams(source: source, datasets: [$0.rawValue]))
            }
            return [reference] + datasets
        case .factors:
            return Self.factorSteps.enumerated().map {
                PlannedUnit(name: $0.element, stage: $0.offset, params: UnitParams(model: model))
            }
        }
    }

    static let factorSteps = ["factors", "evaluation", "scores", "quality"]
}
