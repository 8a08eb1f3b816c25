import StockSchoolCore

/// The simulated market as a `DataSource`: what `sync --source sample` and `demo` read when there
/// is no Tushare token. The whole market is generated once, deterministically from the seed.
public struct SampleSource: DataSource {
    public let market: SampleMarket

    /// The market's identity: another size, seed or range is another market, whose days are
    /// all still missing, so switching markets refetches instead of silently mixing two.
    public var name: String { Self.name(for: market.configuration) }

    public static func name(for c: SampleMarketConfiguration) -> String {
        "sample(stocks=\(c.stocks),seed=\(c.seed),\(c.start)-\(c.end))"
    }

    public init(_ configuration: SampleMarketConfiguration) throws(StockSchoolError) {
        self.market = try SampleMarket(configuration)
    }

    public func stockBasic() async throws -> [StockBasic] { market.stockBasic }

    public func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay] {
        market.tradeCal().filter { $0.calDate >= start && $0.calDate <= end }
    }

    public func daily(tradeDate: TradeDate) async throws -> [DailyBar] { market.daily(on: tradeDate) }
    public func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor] { market.adjFactor(on: tradeDate) }
    public func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic] { market.dailyBasic(on: tradeDate) }

    public func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar] {
        tsCode == SampleMarket.indexCode ? market.indexDaily(start: start, end: end) : []
    }

    public func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight] {
        indexCode == SampleMarket.indexCode ? market.indexWeight(start: start, end: end) : []
    }
}
