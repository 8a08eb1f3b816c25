/// Applies `Preprocessing` steps to every date's cross-section of a stock-major array.
public struct CrossSectionPreprocessor: Sendable {
    public let steps: [Preprocessing]
    /// Per stock, its industry's index (`neutralize`); stocks without one form their own group.
    public let industries: [Int]
    /// log(total_mv), stock-major like the factor (`neutralize`); NaN where unknown.
    public let logMarketValue: [Double]
    public let stocks: Int
    public let dates: Int

    public init(steps: [Preprocessing], industries: [Int], logMarketValue: [Double], stocks: Int, dates: Int) {
        self.steps = steps
        self.industries = industries
        self.logMarketValue = logMarketValue
        self.stocks = stocks
        self.dates = dates
    }

    public func apply(_ values: [Double]) -> [Double] {
        guard !steps.isEmpty else { return values }
        var out = values
        out.withUnsafeMutableBufferPointer { o in
            Parallel.forEachChunk(dates, minimumChunk: 8) { range in
                var column = [Double](repeating: .nan, count: stocks)
                var size = [Double](repeating: .nan, count: stocks)
                for d in range {
                    for s in 0..<stocks { column[s] = o[s * dates + d] }
                    for step in steps {
                        switch step {
                        case .winsorize: Self.winsorize(&column)
                        case .zscore: CrossSectionKernels.zScore(&column)
                        case .rank: CrossSectionKernels.rank(&column)
                        case .neutralize:
                            for s in 0..<stocks {
                                size[s] = s * dates + d < logMarketValue.count ? logMarketValue[s * dates + d] : .nan
                            }
                            Self.neutralize(&column, industries: industries, size: size)
                        }
                    }
                    for s in 0..<stocks { o[s * dates + d] = column[s] }
                }
            }
        }
        return out
    }

    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Clips to median ± 3 × 1.4826 × MAD; NaN stays NaN; a zero MAD leaves the column alone.
    static func winsorize(_ column: inout [Double], k: Double = 3) {
        let present = column.filter { !$0.isNaN }.sorted()
        guard !present.isEmpty else { return }
        let m = median(present)
        let mad = median(present.map { Swift.abs($0 - m) }.sorted())
        guard mad > 0 else { return }
        let (low, high) = (m - k * 1.4826 * mad, m + k * 1.4826 * mad)
        for i in column.indices where !column[i].isNaN { column[i] = Swift.min(high, Swift.max(low, column[i])) }
    }

    /// The residual of x on industry dummies and size, by Frisch–Waugh: demean x and size within
    /// each industry, then x̃ − β·s̃ with β = Σx̃s̃ / Σs̃². Stocks missing x or size become NaN.
    static func neutralize(_ column: inout [Double], industries: [Int], size: [Double]) {
        var sums: [Int: (n: Double, x: Double, s: Double)] = [:]
        for i in column.indices where !column[i].isNaN && !size[i].isNaN {
            let g = i < industries.count ? industries[i] : -1 - i
            let current = sums[g] ?? (0, 0, 0)
            sums[g] = (current.n + 1, current.x + column[i], current.s + size[i])
        }
        var xs = [Double](repeating: .nan, count: column.count)
        var ss = [Double](repeating: .nan, count: column.count)
        var sxy = 0.0
        var sxx = 0.0
        for i in column.indices where !column[i].isNaN && !size[i].isNaN {
            let g = i < industries.count ? industries[i] : -1 - i
            guard let group = sums[g] else { continue }
            xs[i] = column[i] - group.x / group.n
            ss[i] = size[i] - group.s / group.n
            sxy += xs[i] * ss[i]
            sxx += ss[i] * ss[i]
        }
        let beta = sxx > 0 ? sxy / sxx : 0
        for i in column.indices { column[i] = xs[i].isNaN ? .nan : xs[i] - beta * ss[i] }
    }
}
