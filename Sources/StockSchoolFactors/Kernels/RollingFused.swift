// Several statistics of one series and window in one sweep of the shared running state.

extension Rolling {
    /// What a sorted window gives: `Med`, `Quantile(q)`, `Rank`.
    enum OrderStatistic: Hashable, Sendable {
        case median
        case quantile(Double)
        case rank
    }

    /// What the running regression sums give: `Slope`, `Rsquare`, `Resi`.
    enum RegressionStatistic: Hashable, Sendable { case slope, rsquare, resi }

    /// What the running power sums (to the second) give: `Mean`, `Var`, `Std`.
    enum Moment: Hashable, Sendable { case mean, variance, std }

    /// `statistics[k]` into `outs[k]`, each value equal, bit for bit, to the one-statistic kernel's
    /// (same sums, same row formula); `quantile` levels must lie in `0...1`.
    static func orderStatistics(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, _ statistics: [OrderStatistic],
        into outs: [UnsafeMutableBufferPointer<Double>]
    ) {
        func value(_ statistic: OrderStatistic, _ s: OrderStatistics, _ i: Int) -> Double {
            switch statistic {
            case .median: medianOf(s)
            case .quantile(let q): interpolatedQuantile(s, q)
            case .rank: rankOf(x[i], in: s)
            }
        }
        guard let first = statistics.first, let out = outs.first else { return }
        for other in outs.dropFirst() { other.update(repeating: .nan) }
        runOrderStatistics(x, window: window, minPeriods: minPeriods, into: out) { s, i in
            for k in 1..<statistics.count { outs[k][i] = value(statistics[k], s, i) }
            return value(first, s, i)
        }
    }

    /// See `orderStatistics`.
    static func regressions(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, _ statistics: [RegressionStatistic],
        into outs: [UnsafeMutableBufferPointer<Double>]
    ) {
        func value(_ statistic: RegressionStatistic, _ s: Fit, _ run: ConstantRun, _ i: Int) -> Double {
            switch statistic {
            case .slope: slopeOf(s, run)
            case .rsquare: rsquareOf(s, run)
            case .resi: residualOf(x[i], at: i, s, run)
            }
        }
        guard let first = statistics.first, let out = outs.first else { return }
        for other in outs.dropFirst() { other.update(repeating: .nan) }
        runRegression(x, window: window, minPeriods: minPeriods, into: out) { s, run, i in
            for k in 1..<statistics.count { outs[k][i] = value(statistics[k], s, run, i) }
            return value(first, s, run, i)
        }
    }

    /// See `orderStatistics`. The mean's sum of deviations is the same whether or not squares are
    /// also kept, so it matches `mean` exactly.
    static func moments(
        _ x: UnsafeBufferPointer<Double>, window: Int, minPeriods: Int, _ statistics: [Moment],
        into outs: [UnsafeMutableBufferPointer<Double>]
    ) {
        func value(_ statistic: Moment, _ s: PowerSums, _ run: ConstantRun) -> Double {
            switch statistic {
            case .mean: meanOf(s, run)
            case .variance: sampleVariance(s, run)
            case .std: sampleVariance(s, run).squareRoot()
            }
        }
        guard let first = statistics.first, let out = outs.first else { return }
        for other in outs.dropFirst() { other.update(repeating: .nan) }
        let order = statistics.allSatisfy { $0 == .mean } ? 1 : 2
        runPowerSums(x, window: window, minPeriods: minPeriods, order: order, centred: true, into: out) { s, run, i in
            for k in 1..<statistics.count { outs[k][i] = value(statistics[k], s, run) }
            return value(first, s, run)
        }
    }
}
