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

    /// One pass without a division per value, in parallel chunks: sums of `v − shift`, shifted
    /// by the first finite value so that the variance keeps its precision for large values with
    /// a small spread.
    public init(name: String, values column: [Double]) {
        self = column.withUnsafeBufferPointer { FactorSummary(name: name, values: $0) }
    }

    /// See `init(name:values:)`.
    public init(name: String, values column: UnsafeBufferPointer<Double>) {
        struct Partial {
            var n = 0
            var s1 = 0.0
            var s2 = 0.0
            var low = Double.infinity
            var high = -Double.infinity
            var infinities = 0
        }
        let shift = column.first { $0.isFinite } ?? 0
        let chunks = Swift.max(1, Swift.min(Parallel.cores * 4, column.count / 65_536))
        var partials = [Partial](repeating: Partial(), count: chunks)
        do {
            let x = column
            partials.withUnsafeMutableBufferPointer { out in
                Parallel.forEachChunk(chunks, minimumChunk: 1) { range in
                    for chunk in range {
                        var p = Partial()
                        for i in (x.count * chunk / chunks)..<(x.count * (chunk + 1) / chunks) {
                            let v = x[i]
                            if v.isNaN { continue }
                            if v.isInfinite {
                                p.infinities += 1
                                continue
                            }
                            p.n += 1
                            let d = v - shift
                            p.s1 += d
                            p.s2 += d * d
                            p.low = Swift.min(p.low, v)
                            p.high = Swift.max(p.high, v)
                        }
                        out[chunk] = p
                    }
                }
            }
        }
        let n = partials.reduce(0) { $0 + $1.n }
        let s1 = partials.reduce(0.0) { $0 + $1.s1 }
        let s2 = partials.reduce(0.0) { $0 + $1.s2 }
        let low = partials.map(\.low).min() ?? .infinity
        let high = partials.map(\.high).max() ?? -.infinity
        let infinities = partials.reduce(0) { $0 + $1.infinities }
        let mean = n > 0 ? shift + s1 / Double(n) : .nan
        let m2 = Swift.max(0, s2 - s1 * s1 / Double(Swift.max(n, 1)))
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
