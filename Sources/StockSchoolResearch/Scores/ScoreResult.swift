import StockSchoolCore

/// A score model's output over a range of dates: per stock and date the 0–100 score, the
/// composite z-score behind it and the ranks; per date and factor the weights used and the
/// realised-IC statistics they came from.
///
/// Cells are stock-major (`stock * dates + date`) like every panel; ranks are 1-based and 0 where
/// a stock has no score. Per-date arrays are date-major (`date * factors.count + factor`).
public struct ScoreResult: Sendable {
    public let factors: [String]
    public let stocks: Int
    public let dates: Int
    public let score: [Double]
    public let composite: [Double]
    public let rank: [Int32]
    public let industryRank: [Int32]
    public let weights: [Double]
    public let icMean: [Double]
    public let icStd: [Double]
    public let icCount: [Int]

    /// Whether a date has scores at all (its weights could be known).
    public func scored(date: Int) -> Bool { !weights[date * factors.count].isNaN }
}
