/// The summary Alphalens prints for a daily IC series (and that StockSchool also uses for any
/// daily series whose mean is tested against zero, such as the top−bottom spread).
///
/// Days whose value is NaN (too few stocks, no data) are skipped, not counted as zero. IR is
/// mean/std per day, not annualised, so it compares across horizons as Qlib's ICIR does.
/// Undefined statistics are NaN (e.g. std of a single day); encode with a JSON strategy for
/// non-finite numbers or map them to `null`.
public struct ICSummary: Codable, Sendable, Equatable {
    /// Days with a finite value.
    public var days: Int
    public var mean: Double
    /// Sample standard deviation (n − 1 in the denominator).
    public var std: Double
    /// mean / std.
    public var ir: Double
    /// mean / (std / √days): the t statistic of "mean ≠ 0".
    public var tStat: Double
    /// Two-sided p-value of `tStat` with days − 1 degrees of freedom.
    public var pValue: Double
    /// Share of days with a value above zero.
    public var positiveShare: Double

    public init(_ series: some Collection<Double>) {
        var n = 0
        var sum = 0.0
        var positive = 0
        for value in series where !value.isNaN {
            n += 1
            sum += value
            if value > 0 { positive += 1 }
        }
        let mean = n > 0 ? sum / Double(n) : .nan
        var squares = 0.0
        for value in series where !value.isNaN { squares += (value - mean) * (value - mean) }
        let std = n > 1 ? (squares / Double(n - 1)).squareRoot() : .nan
        days = n
        self.mean = mean
        self.std = std
        ir = std > 0 ? mean / std : .nan
        tStat = std > 0 ? mean / (std / Double(n).squareRoot()) : .nan
        pValue = n > 1 ? Statistics.studentTTwoSidedPValue(t: tStat, degreesOfFreedom: Double(n - 1)) : .nan
        positiveShare = n > 0 ? Double(positive) / Double(n) : .nan
    }
}
