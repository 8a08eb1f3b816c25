import Foundation

/// Element-wise operators with numpy's semantics (which Qlib evaluates with): NaN propagates
/// through arithmetic, `Greater`/`Less` (`np.maximum`/`np.minimum`) and `Sign`; a comparison
/// with NaN is false (0); `Log` of 0 is −∞ and of a negative number NaN; division by zero is ±∞
/// (or NaN for 0/0); `If`, `And`, `Or` and `Not` treat any non-zero value, NaN included, as true.
enum ElementwiseKernels {
    static func unary(_ op: FormulaOperator, _ x: NodeValue, count: Int) -> NodeValue {
        let f: (Double) -> Double
        switch op {
        case .neg: f = { -$0 }
        case .abs: f = { Swift.abs($0) }
        case .sign: f = { $0.isNaN ? .nan : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) }
        case .log: f = { Foundation.log($0) }
        case .not: f = { $0 == 0 ? 1 : 0 }
        default: f = { _ in .nan }
        }
        switch x {
        case .scalar(let value): return .scalar(f(value))
        case .array(let values): return .array(map(values, f))
        }
    }

    static func binary(_ op: FormulaOperator, _ a: NodeValue, _ b: NodeValue, count: Int) -> NodeValue {
        let f: (Double, Double) -> Double
        switch op {
        case .add: f = { $0 + $1 }
        case .sub: f = { $0 - $1 }
        case .mul: f = { $0 * $1 }
        case .div: f = { $0 / $1 }
        case .power: f = { Foundation.pow($0, $1) }
        case .greater: f = { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .less: f = { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case .gt: f = { $0 > $1 ? 1 : 0 }
        case .ge: f = { $0 >= $1 ? 1 : 0 }
        case .lt: f = { $0 < $1 ? 1 : 0 }
        case .le: f = { $0 <= $1 ? 1 : 0 }
        case .eq: f = { $0 == $1 ? 1 : 0 }
        case .ne: f = { $0 != $1 ? 1 : 0 }
        case .and: f = { $0 != 0 && $1 != 0 ? 1 : 0 }
        case .or: f = { $0 != 0 || $1 != 0 ? 1 : 0 }
        default: f = { _, _ in .nan }
        }
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return .scalar(f(x, y))
        case (.array(let xs), .scalar(let y)): return .array(map(xs) { f($0, y) })
        case (.scalar(let x), .array(let ys)): return .array(map(ys) { f(x, $0) })
        case (.array(let xs), .array(let ys)):
            var out = [Double](repeating: .nan, count: count)
            xs.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    out.withUnsafeMutableBufferPointer { o in
                        Parallel.forEachChunk(count, minimumChunk: 4096) { range in
                            for i in range { o[i] = f(x[i], y[i]) }
                        }
                    }
                }
            }
            return .array(out)
        }
    }

    static func ifThenElse(_ condition: NodeValue, _ a: NodeValue, _ b: NodeValue, count: Int) -> NodeValue {
        let c = condition.materialized(count: count)
        let x = a.materialized(count: count)
        let y = b.materialized(count: count)
        var out = [Double](repeating: .nan, count: count)
        for i in 0..<count { out[i] = c[i] != 0 ? x[i] : y[i] }
        return .array(out)
    }

    static func map(_ values: [Double], _ f: (Double) -> Double) -> [Double] {
        var out = [Double](repeating: .nan, count: values.count)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                Parallel.forEachChunk(values.count, minimumChunk: 4096) { range in
                    for i in range { o[i] = f(x[i]) }
                }
            }
        }
        return out
    }
}
