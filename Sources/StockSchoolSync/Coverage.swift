import StockSchoolCore

/// Whether a day has the rows it should.
///
/// Suspended stocks legitimately have no row, and the stock list does not say who is suspended,
/// so the expectation comes from the day before: the stocks that had a row on the previous open
/// day and are still listed, plus those listed since, must be back — a day's new suspensions stay
/// well under 2% of the market (3 stocks are always allowed). Without a previous day the stocks
/// listed that day are expected, with 10% allowed for suspensions. The score factor is the present
/// count over the expected count less the allowance. The trailing median of the dataset's row
/// counts guards the case where the previous day was itself short, which would otherwise lower
/// the expectation.
struct Coverage {
    enum Basis {
        case previousDay
        case listed

        /// Expected stocks that may be missing before the score drops: a share of the universe,
        /// but at least a few, so that one suspension in a small universe is not a finding.
        func allowedMissing(of count: Int) -> Double {
            switch self {
            case .previousDay: max(3, 0.02 * Double(count))
            case .listed: max(3, 0.1 * Double(count))
            }
        }

        var phrase: String {
            switch self {
            case .previousDay: "that had a row on the previous open day (or listed since)"
            case .listed: "listed that day"
            }
        }
    }

    /// Rows against the trailing median below this share count as a shortfall.
    static let medianAllowance = 0.9

    private(set) var expected: Int?
    private(set) var factor = 1.0
    private(set) var finding: QualityCheck.Finding?

    init(present: Set<TSCode>, expected universe: Set<TSCode>?, basis: Basis, trailingMedian: Double?) {
        var problems: [String] = []
        var missingCount = 0
        if let universe, !universe.isEmpty {
            expected = universe.count
            let missing = universe.subtracting(present)
            let allowed = basis.allowedMissing(of: universe.count)
            if Double(missing.count) > allowed {
                factor = Double(universe.count - missing.count) / (Double(universe.count) - allowed)
                missingCount = missing.count
                problems.append(
                    "\(universe.count - missing.count) of \(universe.count) stocks \(basis.phrase) have a row; missing \(Tally.sample(missing.map(\.description).sorted()))"
                )
            }
        }
        if let median = trailingMedian, median > 0 {
            let ratio = Double(present.count) / median
            if ratio < Self.medianAllowance {
                factor = min(factor, ratio / Self.medianAllowance)
                missingCount = max(missingCount, Int((median - Double(present.count)).rounded()))
                problems.append("\(present.count) rows against a trailing median of \(Int(median.rounded()))")
            }
        }
        if !problems.isEmpty {
            finding = QualityCheck.Finding(
                check: "coverage", count: missingCount, detail: problems.joined(separator: "; "))
        }
    }
}
