import StockSchoolCore

/// Evaluates a `FactorGraph` over a `FactorPanel`: each node once, in parallel over stocks (or
/// dates, for cross-sectional operators), handing each named result to a consumer as soon as it
/// is ready and freeing every intermediate value when its last reader is done — so a factor set
/// too large to hold (158 factors × 12.5M cells) streams through in bounded memory.
public struct FactorEvaluator: Sendable {
    public let panel: FactorPanel
    /// Qlib's rolling windows start from the first row (`min_periods=1`); strict mode returns NaN
    /// until a window holds all its rows.
    public let strict: Bool

    public init(panel: FactorPanel, strict: Bool = false) {
        self.panel = panel
        self.strict = strict
    }

    /// Computes every output of `graph` in order and passes each to `consume` (name, one value
    /// per cell, stock-major). The array is the consumer's to keep or drop.
    public func evaluate(
        _ graph: FactorGraph, _ consume: (_ name: String, _ values: [Double]) throws -> Void
    ) throws {
        var values = [NodeValue?](repeating: nil, count: graph.nodes.count)
        var readers = graph.readers
        let count = panel.cellCount

        func release(_ node: Int) {
            readers[node] -= 1
            if readers[node] == 0 { values[node] = nil }
        }

        func compute(_ node: Int) throws -> NodeValue {
            if let known = values[node] { return known }
            let value: NodeValue
            switch graph.nodes[node] {
            case .number(let number): value = .scalar(number)
            case .field(let name):
                guard let column = panel.values(name) else {
                    throw StockSchoolError.invalidArgument(
                        name: "field", reason: "'$\(name)' is not loaded in the panel")
                }
                value = .array(column)
            case .call(let op, let children, let parameters):
                var inputs: [NodeValue] = []
                for child in children { inputs.append(try compute(child)) }
                value = apply(op, inputs, parameters, count: count)
                for child in children { release(child) }
            }
            values[node] = value
            return value
        }

        for output in graph.outputs {
            let value = try compute(output.node)
            try consume(output.name, value.materialized(count: count))
            release(output.node)
        }
    }

    func apply(_ op: FormulaOperator, _ inputs: [NodeValue], _ parameters: [Double], count: Int) -> NodeValue {
        switch op {
        case .neg, .abs, .sign, .log, .not:
            return ElementwiseKernels.unary(op, inputs[0], count: count)
        case .add, .sub, .mul, .div, .power, .greater, .less, .gt, .ge, .lt, .le, .eq, .ne, .and, .or:
            return ElementwiseKernels.binary(op, inputs[0], inputs[1], count: count)
        case .ifThenElse:
            return ElementwiseKernels.ifThenElse(inputs[0], inputs[1], inputs[2], count: count)
        case .csRank, .csZScore:
            let column = inputs[0].materialized(count: count)
            let (stocks, dates) = (panel.stockCount, panel.dateCount)
            if op == .csRank {
                return .array(
                    CrossSectionKernels.apply(column, stocks: stocks, dates: dates) { CrossSectionKernels.rank(&$0) })
            }
            return .array(
                CrossSectionKernels.apply(column, stocks: stocks, dates: dates) { CrossSectionKernels.zScore(&$0) })
        default:
            let series = inputs.map { $0.materialized(count: count) }
            if op.isTechnical {
                return .array(
                    TechnicalDispatch.apply(op, series, parameters, stocks: panel.stockCount, dates: panel.dateCount))
            }
            return .array(
                RollingDispatch.apply(
                    op, series, parameters, stocks: panel.stockCount,
                    dates: panel.dateCount, strict: strict))
        }
    }
}
