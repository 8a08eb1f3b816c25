/// Operators across the stocks of one date (Qlib's `CSRank`, `CSZScore`); a stock without a
/// value that day stays NaN and is not counted.
enum CrossSectionKernels {
    /// pandas `rank(pct=True)` across stocks: average rank of ties ÷ the number of values, in (0, 1].
    static func rank(_ column: inout [Double]) {
        let present = column.indices.filter { !column[$0].isNaN }.sorted { column[$0] < column[$1] }
        var k = 0
        while k < present.count {
            var end = k
            while end + 1 < present.count, column[present[end + 1]] == column[present[k]] { end += 1 }
            // Ranks k+1 … end+1 share their average.
            let average = Double(k + end + 2) / 2 / Double(present.count)
            for j in k...end { column[present[j]] = average }
            k = end + 1
        }
    }

    /// (x − mean) / sample std across stocks; NaN for every stock when fewer than two values or
    /// a zero spread.
    static func zScore(_ column: inout [Double]) {
        var n = 0.0
        var sum = 0.0
        for v in column where !v.isNaN {
            n += 1
            sum += v
        }
        let mean = sum / n
        var squares = 0.0
        for v in column where !v.isNaN { squares += (v - mean) * (v - mean) }
        let std = n > 1 ? (squares / (n - 1)).squareRoot() : .nan
        for i in column.indices where !column[i].isNaN {
            column[i] = std > 0 ? (column[i] - mean) / std : .nan
        }
    }

    /// Applies `kernel` to every date's cross-section of a stock-major column, dates in parallel.
    /// With `among` (stock-major flags), a date's cross-section is only its flagged stocks; the
    /// others are NaN.
    static func apply(
        _ op: FormulaOperator, _ values: UnsafeBufferPointer<Double>, stocks: Int, dates: Int,
        into out: UnsafeMutableBufferPointer<Double>, among: [Bool]? = nil
    ) {
        Parallel.forEachChunk(dates, minimumChunk: 8) { range in
            var column = [Double](repeating: .nan, count: stocks)
            for d in range {
                if let among {
                    for s in 0..<stocks { column[s] = among[s * dates + d] ? values[s * dates + d] : .nan }
                } else {
                    for s in 0..<stocks { column[s] = values[s * dates + d] }
                }
                if op == .csRank { rank(&column) } else { zScore(&column) }
                for s in 0..<stocks { out[s * dates + d] = column[s] }
            }
        }
    }
}
