import StockSchoolCore

/// Tushare Pro as a `DataSource`: one call per dataset per trade date for the whole market
/// (`daily`, `adj_factor`, `daily_basic`), `stock_basic` once per list status so delisted and
/// paused names are kept, `trade_cal` for the SSE, and `index_daily` and `index_weight` by index
/// code and range.
/// Every reply is validated before it is returned.
public struct TushareSource: DataSource {
    public let client: TushareClient
    public var name: String { "tushare" }

    public init(client: TushareClient) {
        self.client = client
    }

    public func stockBasic() async throws -> [StockBasic] {
        var all: [StockBasic] = []
        for status in StockBasic.ListStatus.allCases {
            let table = try await client.call(
                "stock_basic", params: ["list_status": status.rawValue], fields: TushareAPI.stockBasicFields)
            all += try TushareAPI.stockBasics(table)
        }
        return all
    }

    public func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay] {
        let table = try await client.call(
            "trade_cal", params: ["exchange": "SSE", "start_date": start.description, "end_date": end.description],
            fields: TushareAPI.tradeCalFields)
        return try TushareAPI.tradeCal(table)
    }

    public func daily(tradeDate: TradeDate) async throws -> [DailyBar] {
        let table = try await client.call(
            "daily", params: ["trade_date": tradeDate.description], fields: TushareAPI.dailyFields)
        return try Self.onDate(tradeDate, api: "daily", try TushareAPI.bars("daily", table), \.tradeDate)
    }

    public func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor] {
        let table = try await client.call(
            "adj_factor", params: ["trade_date": tradeDate.description], fields: TushareAPI.adjFactorFields)
        return try Self.onDate(tradeDate, api: "adj_factor", try TushareAPI.adjFactors(table), \.tradeDate)
    }

    public func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic] {
        let table = try await client.call(
            "daily_basic", params: ["trade_date": tradeDate.description], fields: TushareAPI.dailyBasicFields)
        return try Self.onDate(tradeDate, api: "daily_basic", try TushareAPI.dailyBasics(table), \.tradeDate)
    }

    public func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar] {
        let table = try await client.call(
            "index_daily",
            params: ["ts_code": tsCode.description, "start_date": start.description, "end_date": end.description],
            fields: TushareAPI.dailyFields)
        let bars = try TushareAPI.bars("index_daily", table)
        if let stray = bars.first(where: { $0.tsCode != tsCode || $0.tradeDate < start || $0.tradeDate > end }) {
            throw TushareError.malformedPayload(
                api: "index_daily", reason: "row \(stray.tsCode) \(stray.tradeDate) is outside the request")
        }
        return bars.map(IndexDailyBar.init)
    }

    /// One call per index and window: the sync engine asks a calendar month at a time, which
    /// keeps even a 5,000-member index's month under the 6,000-row cap of one reply.
    public func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight] {
        let table = try await client.call(
            "index_weight",
            params: [
                "index_code": indexCode.description, "start_date": start.description, "end_date": end.description,
            ],
            fields: TushareAPI.indexWeightFields)
        let rows = try TushareAPI.indexWeights(table)
        if let stray = rows.first(where: { $0.indexCode != indexCode || $0.tradeDate < start || $0.tradeDate > end }) {
            throw TushareError.malformedPayload(
                api: "index_weight", reason: "row \(stray.indexCode) \(stray.tradeDate) is outside the request")
        }
        return rows
    }

    /// A by-date call must return that date only: anything else would be written under the wrong
    /// checkpoint.
    static func onDate<T>(_ date: TradeDate, api: String, _ rows: [T], _ key: KeyPath<T, TradeDate>) throws -> [T] {
        if let stray = rows.first(where: { $0[keyPath: key] != date }) {
            throw TushareError.malformedPayload(
                api: api, reason: "asked for \(date), got a row for \(stray[keyPath: key])")
        }
        return rows
    }
}
