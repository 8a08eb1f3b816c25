import Foundation
import StockSchoolCore

extension TradeDate {
    /// Today on the exchanges' clock.
    static var todayInBeijing: TradeDate {
        TradeDate.inBeijing(secondsSinceEpoch: Date().timeIntervalSince1970)
    }
}
