/// What `factors compute --summary` prints per factor: how many cells have a value, the share
/// missing, and the distribution of the rest (±∞ counted separately, so a division by zero shows).
public struct FactorSummary: Sendable, Equatable, Encodable {
    public var name: String
    public var cells: Int
    public var values: Int
    public var nanShare: Double
    public var infinities: Int
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?

    /// One pass, Welford's update for the variance (sample, n − 1).
    public init(name: String, values column: [Double]) {
        var n = 0
        var mean = 0.0
        var m2 = 0.0
        var low = Double.infinity
        var high = -Double.infinity
        var infinities = 0
        for v in column {
            if v.isNaN { continue }
            if v.isInfinite {
                infinities += 1
                continue
            }
            n += 1
            let delta = v - mean
            mean += delta / Double(n)
            m2 += delta * (v - mean)
            low = Swift.min(low, v)
            high = Swift.max(high, v)
        }
        self.name = name
        self.cells = column.count
        self.values = n
        self.infinities = infinities
        self.nanShare = column.isEmpty ? 0 : Double(column.count - n - infinities) / Double(column.count)
        self.mean = n > 0 ? mean : nil
        self.std = n > 1 ? (m2 / Double(n - 1)).squareRoot() : nil
        self.min = n > 0 ? low : nil
        self.max = n > 0 ? high : nil
    }
}
