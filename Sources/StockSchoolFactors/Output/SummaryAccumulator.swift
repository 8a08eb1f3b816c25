/// A `FactorSummary` in the making over pieces of a column (a stock's series, a chunk), merged
/// in any grouping: each piece sums `v − shift` with its own first finite value as the shift,
/// so the variance keeps its precision for large values with a small spread, and pieces combine
/// by Chan's formula on (count, mean, Σ(v − mean)²).
struct SummaryAccumulator: Sendable {
    var cells = 0
    var count = 0
    var infinities = 0
    var mean = 0.0
    /// Σ(v − mean)².
    var squares = 0.0
    var low = Double.infinity
    var high = -Double.infinity

    /// Adds a piece; no division per value.
    mutating func add(_ values: UnsafeBufferPointer<Double>) {
        var piece = SummaryAccumulator()
        piece.cells = values.count
        var shift = Double.nan
        var s1 = 0.0
        var s2 = 0.0
        for v in values {
            if v.isNaN { continue }
            if v.isInfinite {
                piece.infinities += 1
                continue
            }
            if piece.count == 0 { shift = v }
            piece.count += 1
            let d = v - shift
            s1 += d
            s2 += d * d
            piece.low = Swift.min(piece.low, v)
            piece.high = Swift.max(piece.high, v)
        }
        if piece.count > 0 {
            let n = Double(piece.count)
            piece.mean = shift + s1 / n
            piece.squares = Swift.max(0, s2 - s1 * s1 / n)
        }
        merge(piece)
    }

    /// Adds `count` copies of one value (a constant factor).
    mutating func add(repeating value: Double, count: Int) {
        var piece = SummaryAccumulator()
        piece.cells = count
        if value.isInfinite {
            piece.infinities = count
        } else if !value.isNaN, count > 0 {
            (piece.count, piece.mean, piece.low, piece.high) = (count, value, value, value)
        }
        merge(piece)
    }

    mutating func merge(_ other: SummaryAccumulator) {
        let (n, m) = (count, other.count)
        if m > 0 {
            if n == 0 {
                (mean, squares) = (other.mean, other.squares)
            } else {
                let total = Double(n + m)
                let delta = other.mean - mean
                mean += delta * Double(m) / total
                squares += other.squares + delta * delta * Double(n) * Double(m) / total
            }
            low = Swift.min(low, other.low)
            high = Swift.max(high, other.high)
        }
        count += m
        cells += other.cells
        infinities += other.infinities
    }
}
