import StockSchoolCore

/// Which stocks to hold, given the scores known at the previous close.
public enum PortfolioStrategy: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Hold the best `n` by score (ties by ts_code): sell what left the top n, buy what entered.
    case topN(Int)
    /// Qlib's `TopkDropoutStrategy`: hold `k`, and each rebalance replace at most `drop` of them,
    /// the worst held, with the best not held. It trades far less than ``topN(_:)`` for the same
    /// k, which is why Qlib uses it as its baseline.
    case topKDropout(k: Int, drop: Int)

    /// How many names the strategy aims to hold; each buy is sized to at most NAV / this.
    public var holdings: Int {
        switch self {
        case .topN(let n): n
        case .topKDropout(let k, _): k
        }
    }

    public var description: String {
        switch self {
        case .topN(let n): "top \(n)"
        case .topKDropout(let k, let drop): "top \(k), drop \(drop)"
        }
    }

    /// `{"kind":"top_n","n":50}` or `{"kind":"topk_dropout","k":50,"drop":5}`: readable in a
    /// stored run's parameters, unlike the synthesized `{"topN":{"_0":50}}`.
    enum CodingKeys: String, CodingKey { case kind, n, k, drop }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "top_n": self = .topN(try container.decode(Int.self, forKey: .n))
        case "topk_dropout":
            self = .topKDropout(
                k: try container.decode(Int.self, forKey: .k), drop: try container.decode(Int.self, forKey: .drop))
        case let kind:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown strategy '\(kind)': expected top_n or topk_dropout")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .topN(let n):
            try container.encode("top_n", forKey: .kind)
            try container.encode(n, forKey: .n)
        case .topKDropout(let k, let drop):
            try container.encode("topk_dropout", forKey: .kind)
            try container.encode(k, forKey: .k)
            try container.encode(drop, forKey: .drop)
        }
    }
}

/// How often the portfolio is rebalanced: on every trade date, or on the first trade date of each
/// calendar week (ISO, Monday first) or month within the test range.
public enum RebalanceFrequency: String, Codable, Sendable, CaseIterable {
    case daily, weekly, monthly
}

/// Everything a backtest run is asked to do besides the panel and the scores; stored as a run's
/// parameters.
public struct BacktestSettings: Codable, Sendable, Equatable {
    public var strategy: PortfolioStrategy
    public var rebalance: RebalanceFrequency
    public var dealPrice: DealPrice
    /// Starting cash in CNY (10,000,000 by default: large enough that lot rounding and the 5 CNY
    /// minimum commission do not dominate a 50-name portfolio).
    public var initialCash: Double
    public var costs: TradingCosts
    /// Shares per lot (100 on the A-share exchanges).
    public var lotSize: Int
    /// The first trade date of the test, as an index into the panel's dates; `nil` for the first.
    /// Dates before it are warm-up: the scores of the day before it drive its first trades.
    public var startIndex: Int?
    /// The last trade date of the test (an index, inclusive); `nil` for the panel's last.
    public var endIndex: Int?

    public init(
        strategy: PortfolioStrategy = .topN(50), rebalance: RebalanceFrequency = .daily, dealPrice: DealPrice = .close,
        initialCash: Double = 10_000_000, costs: TradingCosts = .aShare, lotSize: Int = 100, startIndex: Int? = nil,
        endIndex: Int? = nil
    ) {
        self.strategy = strategy
        self.rebalance = rebalance
        self.dealPrice = dealPrice
        self.initialCash = initialCash
        self.costs = costs
        self.lotSize = lotSize
        self.startIndex = startIndex
        self.endIndex = endIndex
    }

    /// The test's date indices in `panel`, after checking every setting; errors name the CLI flag.
    public func validatedRange(in panel: TradingPanel) throws(StockSchoolError) -> ClosedRange<Int> {
        switch strategy {
        case .topN(let n):
            guard n >= 1 else { throw .invalidArgument(name: "--top", reason: "\(n) must be at least 1") }
        case .topKDropout(let k, let drop):
            guard k >= 1 else { throw .invalidArgument(name: "--top", reason: "\(k) must be at least 1") }
            guard drop >= 0, drop <= k else {
                throw .invalidArgument(name: "--drop", reason: "\(drop) must be between 0 and --top (\(k))")
            }
        }
        guard initialCash.isFinite, initialCash > 0 else {
            throw .invalidArgument(name: "--cash", reason: "\(initialCash) must be a positive amount of CNY")
        }
        guard lotSize >= 1 else { throw .invalidArgument(name: "--lot", reason: "\(lotSize) must be at least 1 share") }
        try costs.validate()
        guard panel.dateCount > 0, panel.stockCount > 0 else {
            throw .invalidArgument(name: "panel", reason: "has no dates or no stocks to backtest")
        }
        let start = startIndex ?? 0
        let end = endIndex ?? panel.dateCount - 1
        guard start >= 0, start < panel.dateCount else {
            throw .invalidArgument(
                name: "--start", reason: "date index \(start) is outside the panel's \(panel.dateCount) dates")
        }
        guard end >= 0, end < panel.dateCount else {
            throw .invalidArgument(
                name: "--end", reason: "date index \(end) is outside the panel's \(panel.dateCount) dates")
        }
        guard start <= end else { throw .invalidDateRange(start: panel.dates[start], end: panel.dates[end]) }
        return start...end
    }
}

extension TradingPanel {
    /// The indices of the first trade date on or after `start` and the last on or before `end`,
    /// for ``BacktestSettings/startIndex`` and ``BacktestSettings/endIndex``.
    public func dateIndices(from start: TradeDate, through end: TradeDate) throws(StockSchoolError) -> ClosedRange<Int>
    {
        guard start <= end else { throw .invalidDateRange(start: start, end: end) }
        let first = dates.firstIndex { $0 >= start }
        let last = dates.lastIndex { $0 <= end }
        guard let first, let last, first <= last else {
            throw .invalidArgument(
                name: "--start/--end", reason: "no trade date of the panel lies between \(start) and \(end)")
        }
        return first...last
    }
}
