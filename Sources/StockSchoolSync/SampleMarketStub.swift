// TEMPORARY stub until the generator lands (deleted before commit).
import StockSchoolCore
public struct SampleMarketConfiguration: Sendable, Equatable {
    public var stocks: Int
    public var start: TradeDate
    public var end: TradeDate
    public var seed: UInt64
    public init(stocks: Int = 300, start: TradeDate, end: TradeDate, seed: UInt64 = 42) {
        self.stocks = stocks; self.start = start; self.end = end; self.seed = seed
    }
}
public final class SampleMarket: Sendable {
    public let configuration: SampleMarketConfiguration
    public let calendar: TradingCalendar
    public let stockBasic: [StockBasic] = []
    public static let indexCode = TSCode(literal: "000300.SH")
    public init(_ configuration: SampleMarketConfiguration) throws(StockSchoolError) {
        self.configuration = configuration
        self.calendar = TradingCalendar(weekdaysFrom: configuration.start, through: configuration.end, holidays: [])
    }
    public func tradeCal() -> [TradeCalDay] { [] }
    public func daily(on date: TradeDate) -> [DailyBar] { [] }
    public func adjFactor(on date: TradeDate) -> [AdjFactor] { [] }
    public func dailyBasic(on date: TradeDate) -> [DailyBasic] { [] }
    public func indexDaily(start: TradeDate, end: TradeDate) -> [IndexDailyBar] { [] }
    public var rowCounts: (daily: Int, adjFactor: Int, dailyBasic: Int) { (0, 0, 0) }
}
