/// A set of named formulas compiled into one graph in which equal subformulas are one node, so
/// that `Ref($close,1)`, shared by dozens of Alpha158 factors, is computed once.
public struct FactorGraph: Sendable {
    public enum Node: Hashable, Sendable {
        case field(String)
        case number(Double)
        /// An operator over child nodes (its series arguments), with its literal arguments
        /// (windows, shifts, quantiles) in `parameters`, in argument order.
        case call(FormulaOperator, children: [Int], parameters: [Double])
    }

    public private(set) var nodes: [Node] = []
    /// The named results, in the order they were added.
    public private(set) var outputs: [(name: String, node: Int)] = []
    private var index: [Node: Int] = [:]

    public init() {}

    public init(_ factors: [(name: String, formula: Formula)]) {
        for factor in factors { add(factor.name, factor.formula) }
    }

    public mutating func add(_ name: String, _ formula: Formula) {
        outputs.append((name, intern(formula)))
    }

    /// Nodes in the graph; with sharing, fewer than the formulas' total size.
    public var nodeCount: Int { nodes.count }

    private mutating func intern(_ formula: Formula) -> Int {
        let node: Node
        switch formula {
        case .field(let name): node = .field(name)
        case .number(let value): node = .number(value)
        case .call(let op, let arguments):
            var children: [Int] = []
            var parameters: [Double] = []
            for (argument, kind) in zip(arguments, op.arguments) {
                switch (kind, argument) {
                case (.series, _): children.append(intern(argument))
                case (.integer, .number(let value)), (.number, .number(let value)): parameters.append(value)
                // The parser only builds literal windows; anything else is treated as a series.
                case (.integer, _), (.number, _): children.append(intern(argument))
                }
            }
            node = .call(op, children: children, parameters: parameters)
        }
        if let known = index[node] { return known }
        nodes.append(node)
        index[node] = nodes.count - 1
        return nodes.count - 1
    }
}
