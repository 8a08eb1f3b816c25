import Foundation

extension Statistics {
    /// Quantile labels 1...`quantiles` (1 = lowest values), as pandas'
    /// `qcut(x, quantiles, labels=False) + 1` assigns them; `nil` for NaN.
    ///
    /// Edges are the linearly interpolated quantiles at 0, 1/q, …, 1 of the finite values (numpy's
    /// default `percentile`, computed with the same floating-point steps so that values on an
    /// edge land in the same bin); bins are right-closed, and the first also holds the minimum.
    ///
    /// Ties can make edges coincide (many equal values, or fewer values than quantiles), where
    /// pandas raises "Bin edges must be unique". Here the labels keep the numbering of cutting on
    /// those coinciding edges: a value goes to the first bin whose upper edge it does not exceed,
    /// so bins between coinciding edges stay empty and quantile 5 still means "top fifth". With
    /// `[1, 1, 1, 1, 2]` in 2 quantiles the edges are `[1, 1, 2]`, and the four ones get label 1.
    public static func quantileLabels(_ values: [Double], quantiles: Int) -> [Int?] {
        var labels = [Int?](repeating: nil, count: values.count)
        guard quantiles >= 1 else { return labels }
        let finite = values.indices.filter { !values[$0].isNaN }
        let sorted = finite.map { values[$0] }.sorted()
        guard !sorted.isEmpty else { return labels }
        var edges = [Double](repeating: 0, count: quantiles + 1)
        edges.withUnsafeMutableBufferPointer { edges in
            quantileEdges(count: sorted.count, quantiles: quantiles, into: edges.baseAddress) { sorted[$0] }
        }
        for index in finite { labels[index] = quantileLabel(of: values[index], edges: edges) }
        return labels
    }

    /// The label of `value` among `edges` (q + 1 ascending edges): the number of edges strictly
    /// below it (numpy `searchsorted(side="left")`), and 1 for the minimum itself.
    static func quantileLabel(of value: Double, edges: [Double]) -> Int {
        var below = 0
        for edge in edges where edge < value { below += 1 }
        return max(1, below)
    }

    /// Writes the q + 1 quantile edges of `count` ascending values (read through `sorted`) to
    /// `edges`, replicating pandas → numpy: p = linspace(0, 1, q + 1), × 100 by pandas, ÷ 100 by
    /// `np.percentile`, virtual index (n − 1)·p, and numpy's `_lerp`, which interpolates from the
    /// upper neighbour when the fraction is at least ½.
    @inline(__always) static func quantileEdges(
        count: Int, quantiles: Int, into edges: UnsafeMutablePointer<Double>?, _ sorted: (Int) -> Double
    ) {
        guard let edges, count > 0 else { return }
        let step = 1.0 / Double(quantiles)
        for k in 0...quantiles {
            let p = k == 0 ? 0 : k == quantiles ? 1 : (Double(k) * step * 100) / 100
            let virtualIndex = Double(count - 1) * p
            if virtualIndex >= Double(count - 1) {
                edges[k] = sorted(count - 1)
                continue
            }
            let previous = virtualIndex.rounded(.down)
            let gamma = virtualIndex - previous
            let a = sorted(Int(previous))
            let b = sorted(Int(previous) + 1)
            let difference = b - a
            edges[k] = gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
        }
    }
}
