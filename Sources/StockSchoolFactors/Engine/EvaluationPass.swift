/// One sweep over the panel's stocks computing a set of target nodes. Every per-stock node they
/// need runs stock by stock, so a stock's intermediates (a few KB each) stay in cache and are
/// recycled at once; only the targets are written to panel-sized columns. Stocks are spread
/// over all cores.
struct EvaluationPass {
    enum Action {
        case constant(Double)
        /// A panel-sized input: a field, or a cross-sectional result computed earlier.
        case column(PanelColumn)
        case unary(FormulaOperator)
        case binary(FormulaOperator)
        case ifThenElse
        case rolling(RollingDispatch.Kernel)
        case technical(TechnicalDispatch.Kernel)
        /// Several rolling statistics of one input in one sweep (`FusedRolling`); each result
        /// becomes the value of a `member` step that reads this one.
        case fused(FusedRolling.Kernel, outputs: Int)
        case member(Int)
    }

    /// Where a result goes: a panel-sized column, or a summary per stock.
    enum Target {
        case column(PanelColumn)
        case summary(SummaryColumn)
    }

    struct Step {
        let action: Action
        /// Indices of the steps whose values this one reads.
        let inputs: [Int]
        let target: Target?
        /// Steps whose values nothing reads after this one (this one included, if unread).
        var freed: [Int] = []
    }

    private(set) var steps: [Step] = []
    let dates: Int
    /// Targets keep each stock's dates from this one on.
    let skip: Int

    init(dates: Int, skip: Int) {
        self.dates = dates
        self.skip = skip
    }

    /// Adds a step (after the steps it reads) and returns its index.
    mutating func add(_ action: Action, inputs: [Int], target: Target?) -> Int {
        steps.append(Step(action: action, inputs: inputs, target: target))
        return steps.count - 1
    }

    /// Works out when each value is last read, so its buffer is recycled right after.
    mutating func planReleases() {
        var lastUse = Array(steps.indices)
        for (k, step) in steps.enumerated() {
            for input in step.inputs { lastUse[input] = Swift.max(lastUse[input], k) }
        }
        for k in steps.indices { steps[k].freed = [] }
        for (k, last) in lastUse.enumerated() { steps[last].freed.append(k) }
    }

    func run(stocks: Range<Int>) {
        let dates = dates
        // Stocks cost about the same, but small chunks keep both cores busy to the end.
        Parallel.forEachChunk(stocks.count, minimumChunk: 1, chunksPerCore: 64) { range in
            var worker = Worker(steps: steps, scratch: ScratchSeries(dates: dates), skip: skip)
            for stock in range { worker.run(stock: stocks.lowerBound + stock) }
            worker.scratch.deallocateAll()
        }
    }

    /// One thread's state: the current stock's value of every step.
    private struct Worker {
        let steps: [Step]
        var scratch: ScratchSeries
        var values: [SeriesOperand]
        var owned: [UnsafeMutableBufferPointer<Double>?]
        /// A fused step's results until its member steps take them.
        var fusedOutputs: [Int: [UnsafeMutableBufferPointer<Double>]] = [:]

        let skip: Int

        init(steps: [Step], scratch: ScratchSeries, skip: Int) {
            self.skip = skip
            self.steps = steps
            self.scratch = scratch
            values = Array(repeating: .scalar(.nan), count: steps.count)
            owned = Array(repeating: nil, count: steps.count)
        }

        mutating func run(stock: Int) {
            let dates = scratch.dates
            for (k, step) in steps.enumerated() {
                compute(k, step, stock: stock)
                switch (step.target, values[k]) {
                case (nil, _): break
                case (.column(let target), .scalar(let v)):
                    target.series(stock, dates: dates - skip).update(repeating: v)
                case (.column(let target), .series(let x)):
                    _ = target.series(stock, dates: dates - skip).update(fromContentsOf: x[skip...])
                case (.summary(let target), .scalar(let v)):
                    target.partials[stock].add(repeating: v, count: dates - skip)
                case (.summary(let target), .series(let x)):
                    target.partials[stock].add(UnsafeBufferPointer(rebasing: x[skip...]))
                }
                for done in step.freed {
                    if let buffer = owned[done] { scratch.give(buffer) }
                    owned[done] = nil
                }
            }
        }

        private mutating func compute(_ k: Int, _ step: Step, stock: Int) {
            let inputs = step.inputs
            switch step.action {
            case .constant(let v): values[k] = .scalar(v)
            case .column(let column):
                values[k] = .series(UnsafeBufferPointer(column.series(stock, dates: scratch.dates)))
            case .unary(let op):
                switch values[inputs[0]] {
                case .scalar(let x): values[k] = .scalar(ElementwiseKernels.unary(op, x))
                case .series(let x): ElementwiseKernels.unary(op, x, into: output(k))
                }
            case .binary(let op):
                let (a, b) = (values[inputs[0]], values[inputs[1]])
                if case .scalar(let x) = a, case .scalar(let y) = b {
                    values[k] = .scalar(ElementwiseKernels.binary(op, x, y))
                } else {
                    ElementwiseKernels.binary(op, a, b, into: output(k))
                }
            case .ifThenElse:
                let (c, a, b) = (values[inputs[0]], values[inputs[1]], values[inputs[2]])
                if case .scalar(let x) = c, case .scalar(let y) = a, case .scalar(let z) = b {
                    values[k] = .scalar(x != 0 ? y : z)
                } else {
                    ElementwiseKernels.ifThenElse(c, a, b, into: output(k))
                }
            case .rolling(.single(let kernel)):
                let x = series(inputs[0])
                kernel(x, output(k))
            case .rolling(.pair(let kernel)):
                let (x, y) = (series(inputs[0]), series(inputs[1]))
                kernel(x, y, output(k))
            case .fused(let kernel, let count):
                let x = series(inputs[0])
                let outputs = (0..<count).map { _ in scratch.take() }
                kernel(x, outputs)
                fusedOutputs[k] = outputs
                values[k] = .scalar(.nan)
            case .member(let index):
                let buffer = fusedOutputs[inputs[0]]?[index] ?? scratch.take()
                owned[k] = buffer
                values[k] = .series(UnsafeBufferPointer(buffer))
            case .technical(let kernel):
                let result = kernel(inputs.map { Array(series($0)) })
                let out = output(k)
                for i in 0..<out.count { out[i] = i < result.count ? result[i] : .nan }
            }
        }

        /// A fresh buffer that becomes step `k`'s value.
        private mutating func output(_ k: Int) -> UnsafeMutableBufferPointer<Double> {
            let buffer = scratch.take()
            owned[k] = buffer
            values[k] = .series(UnsafeBufferPointer(buffer))
            return buffer
        }

        /// Step `k`'s value as a series: a constant is spread over the dates (in place, so it
        /// is done once per stock however many steps read it).
        private mutating func series(_ k: Int) -> UnsafeBufferPointer<Double> {
            switch values[k] {
            case .series(let x): return x
            case .scalar(let v):
                let buffer = output(k)
                buffer.update(repeating: v)
                return UnsafeBufferPointer(buffer)
            }
        }
    }
}
