/// Rolling operators on the same input and window that share their running state: `Quantile`,
/// `Rank` and `Med` (a sorted window), `Slope`, `Rsquare` and `Resi` (regression sums), `Mean`,
/// `Std` and `Var` (power sums), `Max` and `IdxMax`, `Min` and `IdxMin` (a monotonic deque).
/// Alpha158 asks for QTLU, QTLD and RANK, BETA, RSQR and RESI, MA and STD, MAX and IMAX, MIN and
/// IMIN on every window, so each such group is computed in one sweep.
enum FusedRolling {
    typealias Kernel = @Sendable (UnsafeBufferPointer<Double>, [UnsafeMutableBufferPointer<Double>]) -> Void

    enum Family: Hashable { case order, regression, moments, maxima, minima }

    /// What makes nodes fusable: family, input and window.
    struct Key: Hashable {
        let family: Family
        let input: Int
        let window: Double
    }

    static func key(_ op: FormulaOperator, children: [Int], parameters: [Double]) -> Key? {
        guard children.count == 1, let window = parameters.first else { return nil }
        let family: Family
        switch op {
        case .med, .rank: family = .order
        case .quantile:
            guard parameters.count > 1, (0...1).contains(parameters[1]) else { return nil }
            family = .order
        case .slope, .rsquare, .resi: family = .regression
        case .mean, .std, .variance: family = .moments
        case .max, .idxMax: family = .maxima
        case .min, .idxMin: family = .minima
        default: return nil
        }
        return Key(family: family, input: children[0], window: window)
    }

    /// One sweep writing each member's result, in order, to its own output.
    static func kernel(
        _ family: Family, _ members: [(op: FormulaOperator, parameters: [Double])], window: Int, strict: Bool
    ) -> Kernel {
        let minPeriods = strict ? Swift.max(1, window) : 1
        switch family {
        case .order:
            let statistics: [Rolling.OrderStatistic] = members.map {
                switch $0.op {
                case .med: .median
                case .rank: .rank
                default: .quantile($0.parameters[1])
                }
            }
            return { Rolling.orderStatistics($0, window: window, minPeriods: minPeriods, statistics, into: $1) }
        case .regression:
            let statistics: [Rolling.RegressionStatistic] = members.map {
                $0.op == .slope ? .slope : ($0.op == .rsquare ? .rsquare : .resi)
            }
            return { Rolling.regressions($0, window: window, minPeriods: minPeriods, statistics, into: $1) }
        case .moments:
            let statistics: [Rolling.Moment] = members.map {
                $0.op == .mean ? .mean : ($0.op == .std ? .std : .variance)
            }
            return { Rolling.moments($0, window: window, minPeriods: minPeriods, statistics, into: $1) }
        case .maxima, .minima:
            // At most one of each (equal nodes are one node): the extremum and its position.
            let wantMax = family == .maxima
            let value = members.firstIndex { $0.op == .max || $0.op == .min }
            let position = members.firstIndex { $0.op == .idxMax || $0.op == .idxMin }
            return { x, outs in
                Rolling.runExtremum(
                    x, window: window, minPeriods: minPeriods, wantMax: wantMax, values: value.map { outs[$0] },
                    positions: position.map { outs[$0] })
            }
        }
    }
}
