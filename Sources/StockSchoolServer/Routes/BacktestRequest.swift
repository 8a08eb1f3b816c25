import StockSchoolCore
import StockSchoolFactors
import StockSchoolResearch
import StockSchoolStore

/// The body of `POST /api/v1/backtests`: what `stockschool backtest` takes, as JSON.
struct BacktestRequest: Decodable {
    var score: String?
    var factor: String?
    var expression: String?
    var top: Int?
    var drop: Int?
    var rebalance: String?
    var deal_price: String?
    var cash: Double?
    var commission: Double?
    var min_commission: Double?
    var slippage: Double?
    var benchmark: String?
    var start_date: String?
    var end_date: String?
    var universe: [String]?

    static let schema = #"""
        {"type":"object","additionalProperties":false,"properties":{"score":{"type":"string","description":"A stored score model's name"},"factor":{"type":"string"},"expression":{"type":"string"},"top":{"type":"integer","minimum":1,"default":50},"drop":{"type":"integer","minimum":0,"description":"TopK-dropout: replace at most this many holdings per rebalance"},"rebalance":{"type":"string","enum":["daily","weekly","monthly"]},"deal_price":{"type":"string","enum":["close","open"]},"cash":{"type":"number","exclusiveMinimum":0},"commission":{"type":"number","minimum":0,"maximum":0.1},"min_commission":{"type":"number","minimum":0},"slippage":{"type":"number","minimum":0,"maximum":0.1},"benchmark":{"type":"string"},"start_date":{"type":"string","pattern":"^[0-9]{8}$"},"end_date":{"type":"string","pattern":"^[0-9]{8}$"},"universe":{"type":"array","items":{"type":"string"},"maxItems":6000}}}
        """#

    /// The job asked for, validated; errors name the body field.
    func job(_ services: APIServices) async throws -> BacktestJob {
        guard [score, factor, expression].compactMap({ $0 }).count == 1 else {
            throw APIError.invalidBody("give exactly one of score, factor and expression")
        }
        let signal: BacktestJob.Signal
        if let score {
            guard !score.isEmpty, score.count <= 100 else {
                throw APIError.invalidBody("must be 1–100 characters", field: "score")
            }
            signal = .score(name: score)
        } else {
            let catalog = try FactorCatalog.load(services.configuration)
            if let factor {
                guard let named = catalog.factor(named: factor), let parsed = try catalog.parse([named]).first else {
                    throw APIError.invalidBody(
                        "no factor named '\(factor)'; GET /api/v1/factors lists them", field: "factor")
                }
                signal = .factor(name: parsed.name, formula: parsed.formula)
            } else {
                let text = expression ?? ""
                guard text.count <= services.settings.maximumExpressionLength else {
                    throw APIError.invalidBody(
                        "is \(text.count) characters; the limit is \(services.settings.maximumExpressionLength)",
                        field: "expression")
                }
                do {
                    signal = .factor(name: text, formula: try FactorJob.formula(expression: text))
                } catch let error as StockSchoolError {
                    guard case .invalidArgument(_, let reason) = error else { throw error }
                    throw APIError.invalidBody(reason, field: "expression")
                }
            }
        }
        let top = top ?? 50
        guard top >= 1, top <= 5000 else { throw APIError.invalidBody("must be 1–5000", field: "top") }
        if let drop, drop < 0 || drop > top { throw APIError.invalidBody("must be 0…top (\(top))", field: "drop") }
        guard let rebalance = RebalanceFrequency(rawValue: rebalance ?? "weekly") else {
            throw APIError.invalidBody("must be daily, weekly or monthly", field: "rebalance")
        }
        guard let dealPrice = DealPrice(rawValue: deal_price ?? "close") else {
            throw APIError.invalidBody("must be close or open", field: "deal_price")
        }
        let cash = cash ?? 10_000_000
        guard cash.isFinite, cash > 0 else { throw APIError.invalidBody("must be a positive amount", field: "cash") }
        var costs = TradingCosts.aShare
        if let commission {
            guard commission >= 0, commission < 0.1 else {
                throw APIError.invalidBody("must be in [0, 0.1)", field: "commission")
            }
            costs.commissionRate = commission
        }
        if let min_commission {
            guard min_commission >= 0, min_commission.isFinite else {
                throw APIError.invalidBody("must not be negative", field: "min_commission")
            }
            costs.minimumCommission = min_commission
        }
        if let slippage {
            guard slippage >= 0, slippage < 0.1 else {
                throw APIError.invalidBody("must be in [0, 0.1)", field: "slippage")
            }
            costs.slippage = slippage
        }
        var benchmarkCode: TSCode? = TradingPanelLoader.defaultBenchmark
        if let benchmark {
            if benchmark == "none" {
                benchmarkCode = nil
            } else {
                guard let code = try? TSCode(benchmark) else {
                    throw APIError.invalidBody(
                        "'\(benchmark)' is not a ts_code like 000300.SH (or none)", field: "benchmark")
                }
                benchmarkCode = code
            }
        }
        var codes: [TSCode]?
        if let universe {
            guard universe.count <= 6000 else { throw APIError.invalidBody("at most 6000 codes", field: "universe") }
            codes = try universe.enumerated().map { i, text in
                guard let code = try? TSCode(text) else {
                    throw APIError.invalidBody("'\(text)' is not a ts_code like 600000.SH", field: "universe[\(i)]")
                }
                return code
            }
        }
        let range = try await BodyDates.range(start: start_date, end: end_date, services)
        let settings = BacktestSettings(
            strategy: drop.map { .topKDropout(k: top, drop: $0) } ?? .topN(top), rebalance: rebalance,
            dealPrice: dealPrice, initialCash: cash, costs: costs)
        return BacktestJob(
            signal: signal, settings: settings, start: range.0, end: range.1,
            universe: codes.map { .codes($0) } ?? .all,
            benchmark: benchmarkCode,
            cache: services.panelCache)
    }
}
