import Foundation
import StockSchoolCore
import StockSchoolFactors
import StockSchoolOps
import StockSchoolResearch
import StockSchoolStore

/// `POST /api/v1/factors/evaluate`: evaluates a formula, named factors or a set, bounded in
/// size and time, and answers with the statistics (nothing is stored).
struct FactorEvaluationRequest: Decodable {
    var expression: String?
    var factors: [String]?
    var set: String?
    var start_date: String?
    var end_date: String?
    var horizons: [Int]?
    var quantiles: Int?
    var convention: String?
    /// Also answer each horizon's daily IC, RankIC and cumulative quantile curves.
    var series: Bool?

    static let schema = #"""
        {"type":"object","additionalProperties":false,"properties":{"expression":{"type":"string","description":"A formula, e.g. Mean($close,5)/$close"},"factors":{"type":"array","items":{"type":"string"}},"set":{"type":"string"},"start_date":{"type":"string","pattern":"^[0-9]{8}$"},"end_date":{"type":"string","pattern":"^[0-9]{8}$"},"horizons":{"type":"array","items":{"type":"integer","minimum":1,"maximum":250}},"quantiles":{"type":"integer","minimum":2,"maximum":20},"convention":{"type":"string","enum":["next","close"]},"series":{"type":"boolean","description":"Also answer the daily IC, RankIC and cumulative quantile series"}}}
        """#

    static func handle(_ call: RouteCall) async throws -> Reply {
        let request = try await call.body(FactorEvaluationRequest.self)
        let job = try await request.job(call.services)
        return try await evaluate(job, call.services, series: request.series ?? false)
    }

    /// Runs `job` within the server's evaluation time limit and answers with its statistics;
    /// with `series`, each horizon also carries its daily IC, RankIC and cumulative quantile
    /// curves (what the dashboard's factor page draws).
    static func evaluate(_ job: EvaluationJob, _ services: APIServices, series: Bool) async throws -> Reply {
        let limit = services.settings.evaluationTimeout
        let store = services.store
        let clock = ContinuousClock()
        let started = clock.now
        // At the limit the answer goes out; the evaluation, cancelled, stops at its next factor
        // (or does not start, if the limit passed while it waited for the one before).
        let queue = services.evaluations
        let run: EvaluationJob.Run
        let evaluations: [(String, FactorEvaluation)]
        do {
            (run, evaluations) = try await withDeadline(limit, "the evaluation") {
                await queue.enter()
                defer { queue.leave() }
                try Task.checkCancellation()
                var evaluations: [(String, FactorEvaluation)] = []
                let run = try await job.run(store: store) { name, evaluation in
                    try Task.checkCancellation()
                    evaluations.append((name, series ? evaluation : evaluation.withoutDailySeries))
                }
                return (run, evaluations)
            }
        } catch is DeadlineExceeded {
            throw APIError(
                .serviceUnavailable, code: "evaluation_timeout",
                message:
                    "the evaluation did not finish within the limit of \(limit) (evaluations run one at a time, so this includes waiting for earlier ones); ask for fewer factors or a shorter range, or retry",
                details: ["limit_seconds": limit.secondsText])
        }
        let seconds = (clock.now - started).components
        return Reply.json { w in
            w.object { o in
                o.field("start_date", run.dates.first?.description)
                o.field("end_date", run.dates.last?.description)
                o.field("stocks", run.tsCodes.count)
                o.field("dates", run.dates.count)
                o.field("convention", job.convention.rawValue)
                o.field("quantiles", job.quantiles)
                o.field("excluded_suspended", run.suspendedAtEntry.reduce(0, +))
                o.field("excluded_limit_up", run.limitUpAtEntry.reduce(0, +))
                o.field("seconds", Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18)
                o.field("factors") { w in
                    w.array(evaluations) { w, item in write(&w, name: item.0, item.1, series: series) }
                }
            }
        }
    }

    static func write(_ w: inout JSONWriter, name: String, _ evaluation: FactorEvaluation, series: Bool) {
        w.object { o in
            o.field("name", name)
            o.field("coverage", evaluation.coverage)
            if series { o.field("trade_dates") { $0.array(evaluation.dates) { $0.value($1.description) } } }
            o.field("horizons") { w in
                w.array(evaluation.horizons) { w, h in
                    w.object { o in
                        o.field("horizon", h.horizon)
                        o.field("days", h.rankICSummary.days)
                        o.field("ic") { summary(&$0, h.icSummary) }
                        o.field("rank_ic") { summary(&$0, h.rankICSummary) }
                        o.field("quantile_returns") { $0.array(h.meanQuantileReturns) { $0.value($1) } }
                        o.field("spread") { summary(&$0, h.spreadSummary) }
                        o.field("turnover") { $0.array(h.turnover) { $0.value($1) } }
                        o.field("rank_autocorrelation", h.meanRankAutocorrelation)
                        if series {
                            o.field("series") { w in
                                w.object { o in
                                    o.field("ic") { $0.array(h.ic) { $0.value($1) } }
                                    o.field("rank_ic") { $0.array(h.rankIC) { $0.value($1) } }
                                    o.field("cumulative_quantile_returns") { w in
                                        w.array(h.cumulativeQuantileReturns) { w, curve in
                                            w.array(curve) { $0.value($1) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func summary(_ w: inout JSONWriter, _ s: ICSummary) {
        w.object { o in
            o.field("mean", s.mean)
            o.field("std", s.std)
            o.field("ir", s.ir)
            o.field("t_stat", s.tStat)
            o.field("p_value", s.pValue)
            o.field("positive_share", s.positiveShare)
        }
    }

    /// The evaluation asked for, validated; errors name the body field.
    func job(_ services: APIServices) async throws -> EvaluationJob {
        let settings = services.settings
        guard [expression != nil, factors != nil, set != nil].filter({ $0 }).count == 1 else {
            throw APIError.invalidBody("give exactly one of expression, factors and set")
        }
        let catalog = try FactorCatalog.load(services.configuration)
        var formulas: [(name: String, formula: Formula)]
        if let expression {
            guard expression.count <= settings.maximumExpressionLength else {
                throw APIError.invalidBody(
                    "is \(expression.count) characters; the limit is \(settings.maximumExpressionLength)",
                    field: "expression")
            }
            do {
                formulas = [(expression, try FactorJob.formula(expression: expression))]
            } catch let error as StockSchoolError {
                guard case .invalidArgument(_, let reason) = error else { throw error }
                throw APIError.invalidBody(reason, field: "expression")
            }
        } else if let factors {
            guard !factors.isEmpty else {
                throw APIError.invalidBody("must name at least one factor", field: "factors")
            }
            var named: [FactorCatalog.Factor] = []
            for (i, name) in factors.enumerated() {
                guard let factor = catalog.factor(named: name) else {
                    throw APIError.invalidBody(
                        "no factor named '\(name)'; GET /api/v1/factors lists them", field: "factors[\(i)]")
                }
                named.append(factor)
            }
            formulas = try catalog.parse(named)
        } else {
            let name = set ?? ""
            guard catalog.factors(in: name) != nil else {
                throw APIError.invalidBody(
                    "unknown set '\(name)'; sets are \(catalog.sets.map(\.name).joined(separator: ", "))", field: "set")
            }
            formulas = try catalog.formulas(set: name)
        }
        guard formulas.count <= settings.maximumEvaluationFactors else {
            throw APIError.invalidBody(
                "asks for \(formulas.count) factors; one request may evaluate at most \(settings.maximumEvaluationFactors) (use the CLI for whole sets)",
                field: set != nil ? "set" : "factors")
        }
        let horizons = horizons ?? [1, 5, 10, 20]
        guard !horizons.isEmpty, horizons.count <= 10, horizons.allSatisfy({ (1...250).contains($0) }) else {
            throw APIError.invalidBody("must be 1 to 10 horizons, each 1–250 trade days", field: "horizons")
        }
        let quantiles = quantiles ?? 5
        guard (2...20).contains(quantiles) else { throw APIError.invalidBody("must be 2–20", field: "quantiles") }
        guard let convention = ReturnConvention(rawValue: convention ?? "next") else {
            throw APIError.invalidBody("must be next or close", field: "convention")
        }
        let (start, end) = try await BodyDates.range(start: start_date, end: end_date, services)
        return EvaluationJob(
            factors: FactorJob(
                factors: formulas, start: start, end: end,
                cache: services.panelCache),
            horizons: horizons, convention: convention, quantiles: quantiles)
    }
}
