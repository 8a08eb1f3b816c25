import StockSchoolCore
import StockSchoolStore

/// Dates in POST bodies: `YYYYMMDD` strings, with errors that name the field.
enum BodyDates {
    static func parse(_ text: String?, field: String) throws -> TradeDate? {
        guard let text else { return nil }
        guard let date = try? TradeDate(text) else {
            throw APIError.invalidBody("'\(text)' is not a date like 20240102 (YYYYMMDD)", field: field)
        }
        return date
    }

    /// `start_date`…`end_date` of a research request, defaulting to the year up to the store's
    /// last bar, at most `ServerSettings.maximumRangeDays` long.
    static func range(start: String?, end: String?, _ services: APIServices) async throws -> (TradeDate, TradeDate) {
        try await range(from: try parse(start, field: "start_date"), to: try parse(end, field: "end_date"), services)
    }

    /// The same defaults and limits for dates already parsed (a GET route's query).
    static func range(
        from: TradeDate?, to end: TradeDate?, _ services: APIServices
    ) async throws -> (TradeDate, TradeDate) {
        let to: TradeDate
        if let end {
            to = end
        } else {
            let last = try await services.store.query(SQLStatement("SELECT max(trade_date) FROM stock_daily"))
            guard let value = last.first?.first?.int else {
                throw APIError.notFound("stock_daily is empty; sync market data first")
            }
            to = TradeDate(unchecked: Int32(value))
        }
        let first = from ?? to.addingDays(-365)
        guard first <= to else { throw APIError.invalidBody("\(first) is after end_date \(to)", field: "start_date") }
        guard to.daysSinceEpoch - first.daysSinceEpoch <= services.settings.maximumRangeDays else {
            throw APIError.invalidBody(
                "the range \(first)–\(to) is longer than the maximum of \(services.settings.maximumRangeDays) days",
                field: "end_date")
        }
        return (first, to)
    }
}
