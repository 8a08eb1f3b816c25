import Foundation

extension EvaluationPass {
    /// Keeps the last evaluation's `Outputs` for the next factor of the same shape.
    ///
    /// Factors are evaluated one after another against the same returns, and each needs tens of
    /// megabytes of per-date buffers: allocating them afresh costs page faults on every page the
    /// passes touch, which took longer than the arithmetic. `Outputs` needs no clearing between
    /// factors (the first pass writes every entry it is read from), so one spare is kept and
    /// handed out again; concurrent evaluations that find no spare allocate their own.
    final class OutputsPool: @unchecked Sendable {
        // @unchecked: `spare` is only read and written while holding `lock`.
        private let lock = NSLock()
        private var spare: Outputs?

        static let shared = OutputsPool()

        /// A spare of this shape, or new buffers.
        func take(horizons: Int, quantiles: Int, stocks: Int, dates: Int) -> Outputs {
            let reused: Outputs? = lock.withLock {
                guard let spare, spare.horizons == horizons, spare.quantiles == quantiles,
                    spare.stocks == stocks, spare.dates == dates
                else { return nil }
                self.spare = nil
                return spare
            }
            return reused ?? Outputs(horizons: horizons, quantiles: quantiles, stocks: stocks, dates: dates)
        }

        /// Keeps `outputs` for the next `take`, replacing (and so freeing) any older spare.
        func recycle(_ outputs: Outputs) {
            lock.withLock { spare = outputs }
        }
    }
}
