import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore
import StockSchoolSync

/// Runs a claimed unit of the daily jobs with `DailyWorkflow`, the code `run-daily` runs, and
/// returns its one-line report.
public struct WorkflowUnits: Sendable {
    public let configuration: StockSchoolConfiguration
    public let store: any MarketStore

    public init(configuration: StockSchoolConfiguration, store: any MarketStore) {
        self.configuration = configuration
        self.store = store
    }

    public func run(_ unit: ClaimedUnit) async throws -> String {
        let params = try WorkerJob.UnitParams.decode(unit.params)
        if let source = params.source {
            return try await sync(unit, source: source, datasets: params.datasets ?? [])
        }
        guard let model = params.model else {
            throw WorkflowError("unit \(unit.label) has neither a source nor a model to run")
        }
        let workflow = try self.workflow(model)
        switch unit.name {
        case "factors": return try await workflow.factors(try await workflow.dates())
        case "evaluation": return try await workflow.evaluation(try await workflow.dates())
        case "scores": return DailyWorkflow.describe(try await workflow.scores(try await workflow.dates()))
        case "quality": return try await workflow.quality()
        default: throw WorkflowError("unit \(unit.label): no step named '\(unit.name)'")
        }
    }

    func sync(_ unit: ClaimedUnit, source spec: SyncSourceSpec, datasets names: [String]) async throws -> String {
        let datasets = try Dataset.parseList(names.joined(separator: ","))
        let request = try spec.request(datasets: datasets)
        let source = try spec.makeSource(configuration)
        let report = try await DailyWorkflow.sync(store: store, source: source, request: request)
        // Units that failed inside the run (retries exhausted on a day) stay missing; failing
        // the unit retries them after the retry delay. A dataset the token may not read is
        // not going to succeed on a retry: that is reported, not failed.
        if !report.failures.isEmpty {
            throw WorkflowError(
                "\(report.failures.count) of the sync's days failed (run \(report.runID)): "
                    + report.failures.prefix(3).joined(separator: "; "))
        }
        let skipped =
            report.skipped.isEmpty ? "" : ", skipped (no permission): \(report.skipped.joined(separator: ", "))"
        return DailyWorkflow.describe(report) + skipped
    }

    func workflow(_ model: WorkerJob.ModelSpec) throws -> DailyWorkflow {
        let catalog = try FactorCatalog.load(configuration)
        var job = try DailyWorkflow.model(configuration, catalog: catalog, set: model.set)
        job.weighting = ScoreWeighting(rawValue: model.weighting) ?? job.weighting
        job.window = model.window
        job.horizon = model.horizon
        return DailyWorkflow(
            store: store, model: job, evaluationDays: model.evaluationDays,
            cache: PanelCache(dataDirectory: configuration.dataDirectory))
    }
}
