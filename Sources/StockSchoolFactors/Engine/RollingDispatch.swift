/// Runs a rolling operator over every stock's series of a stock-major array, stocks in parallel.
enum RollingDispatch {
    typealias Single = (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    typealias Pair = (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) ->
        Void

    static func apply(
        _ op: FormulaOperator, _ inputs: [[Double]], _ parameters: [Double], stocks: Int, dates: Int, strict: Bool
    ) -> [Double] {
        let window = parameters.first.map { Int($0) } ?? 1
        // Strict: NaN until the window holds all its rows (pandas min_periods = N).
        let minPeriods = strict ? Swift.max(1, window) : 1
        let single: Single
        switch op {
        case .ref: single = { Rolling.ref($0, shift: window, into: $1) }
        case .delta: single = { Rolling.delta($0, shift: window, into: $1) }
        case .ema: single = { Rolling.ema($0, span: window, into: $1) }
        case .mean: single = { Rolling.mean($0, window: window, minPeriods: minPeriods, into: $1) }
        case .sum: single = { Rolling.sum($0, window: window, minPeriods: minPeriods, into: $1) }
        case .std: single = { Rolling.std($0, window: window, minPeriods: minPeriods, into: $1) }
        case .variance: single = { Rolling.variance($0, window: window, minPeriods: minPeriods, into: $1) }
        case .skew: single = { Rolling.skew($0, window: window, minPeriods: minPeriods, into: $1) }
        case .kurt: single = { Rolling.kurt($0, window: window, minPeriods: minPeriods, into: $1) }
        case .max: single = { Rolling.max($0, window: window, minPeriods: minPeriods, into: $1) }
        case .min: single = { Rolling.min($0, window: window, minPeriods: minPeriods, into: $1) }
        case .med: single = { Rolling.median($0, window: window, minPeriods: minPeriods, into: $1) }
        case .mad: single = { Rolling.mad($0, window: window, minPeriods: minPeriods, into: $1) }
        case .count: single = { Rolling.count($0, window: window, minPeriods: minPeriods, into: $1) }
        case .rank: single = { Rolling.rank($0, window: window, minPeriods: minPeriods, into: $1) }
        case .idxMax: single = { Rolling.idxMax($0, window: window, minPeriods: minPeriods, into: $1) }
        case .idxMin: single = { Rolling.idxMin($0, window: window, minPeriods: minPeriods, into: $1) }
        case .slope: single = { Rolling.slope($0, window: window, minPeriods: minPeriods, into: $1) }
        case .rsquare: single = { Rolling.rsquare($0, window: window, minPeriods: minPeriods, into: $1) }
        case .resi: single = { Rolling.resi($0, window: window, minPeriods: minPeriods, into: $1) }
        case .wma: single = { Rolling.wma($0, window: window, minPeriods: minPeriods, into: $1) }
        case .quantile:
            let q = parameters.count > 1 ? parameters[1] : 0.5
            single = { Rolling.quantile($0, window: window, q: q, minPeriods: minPeriods, into: $1) }
        case .corr:
            return pairs(inputs, stocks: stocks, dates: dates) {
                Rolling.corr($0, $1, window: window, minPeriods: minPeriods, into: $2)
            }
        case .cov:
            return pairs(inputs, stocks: stocks, dates: dates) {
                Rolling.cov($0, $1, window: window, minPeriods: minPeriods, into: $2)
            }
        default:
            return [Double](repeating: .nan, count: stocks * dates)
        }
        var out = [Double](repeating: .nan, count: stocks * dates)
        inputs[0].withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                Parallel.forEachSeries(stocks: stocks, dates: dates) { series in
                    single(UnsafeBufferPointer(rebasing: x[series]), UnsafeMutableBufferPointer(rebasing: o[series]))
                }
            }
        }
        return out
    }

    static func pairs(_ inputs: [[Double]], stocks: Int, dates: Int, _ kernel: Pair) -> [Double] {
        var out = [Double](repeating: .nan, count: stocks * dates)
        inputs[0].withUnsafeBufferPointer { x in
            inputs[1].withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { o in
                    Parallel.forEachSeries(stocks: stocks, dates: dates) { series in
                        kernel(
                            UnsafeBufferPointer(rebasing: x[series]), UnsafeBufferPointer(rebasing: y[series]),
                            UnsafeMutableBufferPointer(rebasing: o[series]))
                    }
                }
            }
        }
        return out
    }
}
