import StockSchoolCore

@testable import StockSchoolResearch

/// Hand-built trading panels for the backtest tests: rows are stocks, columns dates.
enum BacktestFixtures {
    /// A panel from per-stock rows. Open defaults to the close, limits to none (±∞, a day without
    /// limits) and adj_factor to 1; NaN close = no bar.
    static func panel(
        codes: [String], dates: [Int32], close: [[Double]], open: [[Double]]? = nil, adjFactor: [[Double]]? = nil,
        limitUp: [[Double]]? = nil, limitDown: [[Double]]? = nil, benchmark: [Double]? = nil
    ) throws -> TradingPanel {
        let flatClose = close.flatMap { $0 }
        let noBar = flatClose.map(\.isNaN)
        func limits(_ rows: [[Double]]?, _ none: Double) -> [Double] {
            let values = rows?.flatMap { $0 } ?? [Double](repeating: none, count: flatClose.count)
            return zip(values, noBar).map { $1 ? .nan : $0 }
        }
        return try TradingPanel(
            tsCodes: try codes.map { try TSCode($0) }, dates: dates.map { TradeDate(unchecked: $0) },
            open: open?.flatMap { $0 } ?? flatClose, close: flatClose,
            adjFactor: adjFactor?.flatMap { $0 } ?? [Double](repeating: 1, count: flatClose.count),
            limitUp: limits(limitUp, .infinity), limitDown: limits(limitDown, -.infinity),
            industries: codes.map { _ in nil }, benchmark: benchmark,
            benchmarkCode: benchmark == nil ? nil : TSCode(literal: "000300.SH"))
    }
}
