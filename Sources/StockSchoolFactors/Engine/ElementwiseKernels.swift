import Foundation

/// Element-wise operators with numpy's semantics (which Qlib evaluates with): NaN propagates
/// through arithmetic, `Greater`/`Less` (`np.maximum`/`np.minimum`) and `Sign`; a comparison
/// with NaN is false (0); `Log` of 0 is −∞ and of a negative number NaN; division by zero is ±∞
/// (or NaN for 0/0); `If`, `And`, `Or` and `Not` treat any non-zero value, NaN included, as true.
///
/// Each operator's loop is specialised (the switch is outside the loop), so a row costs an
/// arithmetic instruction or two rather than a call.
enum ElementwiseKernels {
    static func unary(_ op: FormulaOperator, _ x: Double) -> Double {
        switch op {
        case .neg: -x
        case .abs: Swift.abs(x)
        case .sign: sign(x)
        case .log: Foundation.log(x)
        case .not: x == 0 ? 1 : 0
        default: .nan
        }
    }

    static func unary(
        _ op: FormulaOperator, _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
    ) {
        switch op {
        case .neg: each(x, out) { -$0 }
        case .abs: each(x, out) { Swift.abs($0) }
        case .sign: each(x, out) { sign($0) }
        case .log: each(x, out) { Foundation.log($0) }
        case .not: each(x, out) { $0 == 0 ? 1 : 0 }
        default: each(x, out) { _ in .nan }
        }
    }

    static func binary(_ op: FormulaOperator, _ a: Double, _ b: Double) -> Double {
        var out = Double.nan
        withUnsafeMutablePointer(to: &out) {
            binary(op, .scalar(a), .scalar(b), into: UnsafeMutableBufferPointer(start: $0, count: 1))
        }
        return out
    }

    /// `out.count` rows; a scalar operand stands for that many copies of itself.
    static func binary(
        _ op: FormulaOperator, _ a: SeriesOperand, _ b: SeriesOperand, into out: UnsafeMutableBufferPointer<Double>
    ) {
        switch op {
        case .add: each(a, b, out) { $0 + $1 }
        case .sub: each(a, b, out) { $0 - $1 }
        case .mul: each(a, b, out) { $0 * $1 }
        case .div: each(a, b, out) { $0 / $1 }
        case .power: each(a, b, out) { Foundation.pow($0, $1) }
        case .greater: each(a, b, out) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .less: each(a, b, out) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case .gt: each(a, b, out) { $0 > $1 ? 1 : 0 }
        case .ge: each(a, b, out) { $0 >= $1 ? 1 : 0 }
        case .lt: each(a, b, out) { $0 < $1 ? 1 : 0 }
        case .le: each(a, b, out) { $0 <= $1 ? 1 : 0 }
        case .eq: each(a, b, out) { $0 == $1 ? 1 : 0 }
        case .ne: each(a, b, out) { $0 != $1 ? 1 : 0 }
        case .and: each(a, b, out) { $0 != 0 && $1 != 0 ? 1 : 0 }
        case .or: each(a, b, out) { $0 != 0 || $1 != 0 ? 1 : 0 }
        default: each(a, b, out) { _, _ in .nan }
        }
    }

    static func ifThenElse(
        _ condition: SeriesOperand, _ a: SeriesOperand, _ b: SeriesOperand, into out: UnsafeMutableBufferPointer<Double>
    ) {
        for i in 0..<out.count { out[i] = value(condition, i) != 0 ? value(a, i) : value(b, i) }
    }

    private static func sign(_ x: Double) -> Double { x.isNaN ? .nan : (x > 0 ? 1 : (x < 0 ? -1 : 0)) }

    @inline(__always)
    private static func value(_ operand: SeriesOperand, _ i: Int) -> Double {
        switch operand {
        case .scalar(let v): v
        case .series(let x): x[i]
        }
    }

    @inline(__always)
    private static func each(
        _ x: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>, _ f: (Double) -> Double
    ) {
        for i in 0..<Swift.min(x.count, out.count) { out[i] = f(x[i]) }
    }

    @inline(__always)
    private static func each(
        _ a: SeriesOperand, _ b: SeriesOperand, _ out: UnsafeMutableBufferPointer<Double>,
        _ f: (Double, Double) -> Double
    ) {
        switch (a, b) {
        case (.series(let x), .series(let y)): for i in 0..<out.count { out[i] = f(x[i], y[i]) }
        case (.series(let x), .scalar(let c)): for i in 0..<out.count { out[i] = f(x[i], c) }
        case (.scalar(let c), .series(let y)): for i in 0..<out.count { out[i] = f(c, y[i]) }
        case (.scalar(let c), .scalar(let d)):
            let v = f(c, d)
            for i in 0..<out.count { out[i] = v }
        }
    }
}
