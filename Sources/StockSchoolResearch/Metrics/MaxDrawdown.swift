import StockSchoolCore

/// The deepest fall of wealth from a running peak, and when it happened.
///
/// Wealth starts at 1 before the first return (empyrical prepends the starting value too), so a
/// loss on the very first day is a drawdown from the initial capital. That starting point has no
/// trade date of its own: `peak` is then the `start` date the caller gave (the backtest passes
/// the trade date before its first day), or `nil`.
public struct MaxDrawdown: Codable, Sendable, Equatable {
    /// `min over t of (wealth / running peak − 1)`: zero or negative; 0 when wealth never fell.
    public var depth: Double
    /// The date of the peak the deepest drawdown fell from; `nil` when there was no drawdown or
    /// the peak was the unlabelled starting capital.
    public var peak: TradeDate?
    /// The date wealth was lowest relative to that peak; `nil` when there was no drawdown.
    public var trough: TradeDate?
    /// The first date after the trough on which wealth was back at or above the peak; `nil` if it
    /// never recovered within the series (or there was no drawdown).
    public var recovery: TradeDate?

    public init(depth: Double, peak: TradeDate?, trough: TradeDate?, recovery: TradeDate?) {
        self.depth = depth
        self.peak = peak
        self.trough = trough
        self.recovery = recovery
    }

    /// The maximum drawdown of the wealth path `Π(1 + r)` over `returns`, one per `dates` entry.
    /// `start` labels the initial wealth of 1 (the day before the first return).
    public init(returns: [Double], dates: [TradeDate], start: TradeDate? = nil) {
        var wealth = 1.0
        var peakWealth = 1.0
        var peakIndex = -1  // -1: the starting capital
        var depth = 0.0
        var troughIndex: Int?
        var worstPeakIndex = -1
        for (i, r) in returns.enumerated() where !r.isNaN {
            wealth *= 1 + r
            if wealth > peakWealth {
                peakWealth = wealth
                peakIndex = i
            }
            let drawdown = wealth / peakWealth - 1
            if drawdown < depth {
                depth = drawdown
                troughIndex = i
                worstPeakIndex = peakIndex
            }
        }
        guard let troughIndex else {
            self.init(depth: 0, peak: nil, trough: nil, recovery: nil)
            return
        }
        // Recovery: replay the same products (so the comparison is exact) until wealth is back at the
        // peak after the trough.
        var recovery: TradeDate?
        var level = 1.0
        var target = 1.0
        for (i, r) in returns.enumerated() where !r.isNaN {
            level *= 1 + r
            if i == worstPeakIndex { target = level }
            if i > troughIndex, level >= target {
                recovery = dates[i]
                break
            }
        }
        self.init(
            depth: depth, peak: worstPeakIndex >= 0 ? dates[worstPeakIndex] : start, trough: dates[troughIndex],
            recovery: recovery)
    }
}
