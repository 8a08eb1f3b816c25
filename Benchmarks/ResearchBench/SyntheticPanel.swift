import Foundation
import StockSchoolCore
import StockSchoolResearch

/// xorshift64* uniform in [0, 1), and a Box–Muller normal.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func uniform() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = Swift.max(uniform(), 1e-300)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// A random-walk market of `stocks` × `dates` with ±10% limits, 0.2% of days suspended and a
/// benchmark, for timing only.
func syntheticPanel(stocks: Int, dates: Int) -> TradingPanel {
    var generator = Generator()
    var calendar: [TradeDate] = []
    var day = TradeDate(unchecked: 2014_01_02)
    while calendar.count < dates {
        calendar.append(day)
        day = TradeDate(daysSinceEpoch: day.daysSinceEpoch + 1)
    }
    let cells = stocks * dates
    var open = [Double](repeating: .nan, count: cells)
    var close = open
    var up = open
    var down = open
    let adj = [Double](repeating: 1, count: cells)
    for s in 0..<stocks {
        var price = 10.0
        for d in 0..<dates {
            let i = s * dates + d
            if generator.uniform() < 0.002 { continue }
            let limitUp = ((price * 1.1) * 100).rounded() / 100
            let limitDown = ((price * 0.9) * 100).rounded() / 100
            let next = min(max(((price * exp(generator.normal() * 0.02)) * 100).rounded() / 100, limitDown), limitUp)
            open[i] = price
            close[i] = max(next, 1)
            up[i] = limitUp
            down[i] = limitDown
            price = close[i]
        }
    }
    var level = 3500.0
    let benchmark = (0..<dates).map { _ in
        level *= exp(generator.normal() * 0.012)
        return level
    }
    let codes = (0..<stocks).map { s in
        (try? TSCode(String(format: "%06d.SZ", s + 1))) ?? TSCode(literal: "000001.SZ")
    }
    do {
        return try TradingPanel(
            tsCodes: codes, dates: calendar, open: open, close: close, adjFactor: adj, limitUp: up, limitDown: down,
            industries: (0..<stocks).map { "I\($0 % 28)" }, benchmark: benchmark)
    } catch {
        print("synthetic panel: \(error)")
        exit(1)
    }
}

/// A score per cell: noise, for timing.
func syntheticScores(stocks: Int, dates: Int) -> [Double] {
    var generator = Generator()
    return (0..<(stocks * dates)).map { _ in generator.normal() }
}
