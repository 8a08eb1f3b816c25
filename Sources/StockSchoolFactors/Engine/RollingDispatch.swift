/// The per-stock kernel of a rolling operator, with its window and `min_periods` bound.
enum RollingDispatch {
    typealias Single = @Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    typealias Pair =
        @Sendable (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) ->
        Void

    enum Kernel: Sendable {
        case single(Single)
        case pair(Pair)
    }

    static func kernel(_ op: FormulaOperator, _ parameters: [Double], strict: Bool) -> Kernel? {
        let window = parameters.first.map { Int($0) } ?? 1
        // Strict: NaN until the window holds all its rows (pandas min_periods = N).
        let minPeriods = strict ? Swift.max(1, window) : 1
        switch op {
        case .ref: return .single { Rolling.ref($0, shift: window, into: $1) }
        case .delta: return .single { Rolling.delta($0, shift: window, into: $1) }
        case .ema: return .single { Rolling.ema($0, span: window, into: $1) }
        case .mean: return .single { Rolling.mean($0, window: window, minPeriods: minPeriods, into: $1) }
        case .sum: return .single { Rolling.sum($0, window: window, minPeriods: minPeriods, into: $1) }
        case .std: return .single { Rolling.std($0, window: window, minPeriods: minPeriods, into: $1) }
        case .variance: return .single { Rolling.variance($0, window: window, minPeriods: minPeriods, into: $1) }
        case .skew: return .single { Rolling.skew($0, window: window, minPeriods: minPeriods, into: $1) }
        case .kurt: return .single { Rolling.kurt($0, window: window, minPeriods: minPeriods, into: $1) }
        case .max: return .single { Rolling.max($0, window: window, minPeriods: minPeriods, into: $1) }
        case .min: return .single { Rolling.min($0, window: window, minPeriods: minPeriods, into: $1) }
        case .med: return .single { Rolling.median($0, window: window, minPeriods: minPeriods, into: $1) }
        case .mad: return .single { Rolling.mad($0, window: window, minPeriods: minPeriods, into: $1) }
        case .count: return .single { Rolling.count($0, window: window, minPeriods: minPeriods, into: $1) }
        case .rank: return .single { Rolling.rank($0, window: window, minPeriods: minPeriods, into: $1) }
        case .idxMax: return .single { Rolling.idxMax($0, window: window, minPeriods: minPeriods, into: $1) }
        case .idxMin: return .single { Rolling.idxMin($0, window: window, minPeriods: minPeriods, into: $1) }
        case .slope: return .single { Rolling.slope($0, window: window, minPeriods: minPeriods, into: $1) }
        case .rsquare: return .single { Rolling.rsquare($0, window: window, minPeriods: minPeriods, into: $1) }
        case .resi: return .single { Rolling.resi($0, window: window, minPeriods: minPeriods, into: $1) }
        case .wma: return .single { Rolling.wma($0, window: window, minPeriods: minPeriods, into: $1) }
        case .quantile:
            let q = parameters.count > 1 ? parameters[1] : 0.5
            return .single { Rolling.quantile($0, window: window, q: q, minPeriods: minPeriods, into: $1) }
        case .corr: return .pair { Rolling.corr($0, $1, window: window, minPeriods: minPeriods, into: $2) }
        case .cov: return .pair { Rolling.cov($0, $1, window: window, minPeriods: minPeriods, into: $2) }
        default: return nil
        }
    }
}
