import Foundation
import StockSchoolCore

/// Evaluates a `FactorGraph` over a `FactorPanel` and hands each named result to a consumer.
///
/// Outputs are computed in batches sized to a memory budget; each batch is one
/// `EvaluationPass`, which runs every node the batch needs stock by stock on all cores (a
/// stock's intermediates stay in cache; only results are panel-sized). Cross-sectional
/// operators (`CSRank`, `CSZScore`) need a whole date across stocks, so their inputs are
/// computed by a pass of their own first and their results kept for the passes that read them.
/// A factor set too large to hold (158 factors × 12.5M cells) streams through in bounded memory;
/// `summarize` writes no result out at all.
public struct FactorEvaluator: Sendable {
    public let panel: FactorPanel
    /// Qlib's rolling windows start from the first row (`min_periods=1`); strict mode returns NaN
    /// until a window holds all its rows.
    public let strict: Bool
    /// How many bytes of results a batch may hold before they are handed on.
    public let memoryBudget: Int
    /// Computes rolling statistics that share their state in one sweep (`FusedRolling`); off
    /// only to check that fusing changes nothing.
    let fuse: Bool
    /// The stocks each date's cross-sectional operators (`CSRank`, `CSZScore`) rank among, over
    /// the whole panel (warm-up dates included); `nil` = every stock. An index universe sets it,
    /// so a rank on date t is among that date's members only.
    public var crossSectionMask: UniverseMask?

    /// An eighth of the machine's memory, between 512 MiB and 4 GiB: enough for a window group of
    /// Alpha158 (29 factors) on 5,000 stocks × 2,500 days (100 MB each) on a 24 GB machine.
    public static let defaultMemoryBudget = Swift.min(
        4 << 30, Swift.max(512 << 20, Int(ProcessInfo.processInfo.physicalMemory / 8)))

    public init(panel: FactorPanel, strict: Bool = false, memoryBudget: Int = defaultMemoryBudget) {
        self.init(panel: panel, strict: strict, memoryBudget: memoryBudget, fuse: true)
    }

    init(panel: FactorPanel, strict: Bool, memoryBudget: Int, fuse: Bool) {
        self.panel = panel
        self.strict = strict
        self.memoryBudget = memoryBudget
        self.fuse = fuse
    }

    /// Computes every output of `graph` and passes each to `consume`: its name and one value per
    /// stock and date from the `skip`-th on (the dates before only warm windows up), stock-major,
    /// valid only during the call (copy what you keep).
    ///
    /// Outputs arrive in the order of `batches`, which keeps those sharing work in one batch; a
    /// consumer that lists them (a CSV header, a table) puts them back in the graph's order by name.
    public func evaluate(
        _ graph: FactorGraph, skip: Int = 0,
        _ consume: (_ name: String, _ values: UnsafeBufferPointer<Double>) throws -> Void
    ) throws {
        let skip = Swift.min(Swift.max(0, skip), panel.dateCount)
        var run = GraphRun(graph: graph, panel: panel, strict: strict, fuse: fuse, skip: skip)
        run.mask = crossSectionMask
        let perOutput = Swift.max(1, panel.stockCount * (panel.dateCount - skip) * MemoryLayout<Double>.stride)
        for batch in Self.batches(graph, size: Swift.max(1, memoryBudget / perOutput)) {
            let outputs = batch.map { graph.outputs[$0] }
            let columns = try run.columns(Array(Set(outputs.map(\.node))).sorted())
            for output in outputs {
                if let column = columns[output.node] { try consume(output.name, column.values) }
            }
            run.recycle(columns.values)
        }
    }

    /// Computes every output of `graph` and returns each one's `FactorSummary` (over the stocks
    /// and dates from the `skip`-th on), in the graph's order, without writing any result out:
    /// each stock's values are summarised while they are in cache, in one pass for the whole set
    /// (so every fused sweep is whole). `progress(stocksDone, stocks)` is called on this thread.
    public func summarize(
        _ graph: FactorGraph, skip: Int = 0, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> [FactorSummary] {
        let skip = Swift.min(Swift.max(0, skip), panel.dateCount)
        var run = GraphRun(graph: graph, panel: panel, strict: strict, fuse: fuse, skip: skip)
        run.mask = crossSectionMask
        var targets: [Int: EvaluationPass.Target] = [:]
        var summaries: [Int: SummaryColumn] = [:]
        for output in graph.outputs where summaries[output.node] == nil {
            let column = SummaryColumn(stocks: panel.stockCount)
            summaries[output.node] = column
            targets[output.node] = .summary(column)
        }
        let pass = try run.plan(targets, skip: skip)
        // In slices of stocks, so that progress can be told between them.
        let stocks = panel.stockCount
        let slices = Swift.max(1, Swift.min(20, stocks / Swift.max(1, Parallel.cores * 8)))
        for slice in 0..<slices {
            pass.run(stocks: (stocks * slice / slices)..<(stocks * (slice + 1) / slices))
            progress(stocks * (slice + 1) / slices, stocks)
        }
        return graph.outputs.map { output in
            var total = SummaryAccumulator()
            for partial in summaries[output.node]?.partials ?? UnsafeMutableBufferPointer(start: nil, count: 0) {
                total.merge(partial)
            }
            return FactorSummary(name: output.name, total)
        }
    }

    /// Output indices in batches: one per window group, split where a group exceeds `size`.
    /// Outputs are ordered by the longest window they read (stable, so otherwise in the graph's
    /// order): Alpha158's factors on one window share their rolling sweeps (`FusedRolling`) and
    /// intermediates. Groups are not merged even when they would fit: a bigger batch only maps
    /// more fresh memory for its results.
    static func batches(_ graph: FactorGraph, size: Int) -> [[Int]] {
        var window = [Double](repeating: 0, count: graph.nodes.count)
        for (k, node) in graph.nodes.enumerated() {
            guard case .call(let op, let children, let parameters) = node else { continue }
            let own = op.isRolling || op.isTechnical ? (parameters.first ?? 0) : 0
            window[k] = children.reduce(own) { Swift.max($0, window[$1]) }
        }
        let key = graph.outputs.map { window[$0.node] }
        let order = graph.outputs.indices.sorted { (key[$0], $0) < (key[$1], $1) }
        var batches: [[Int]] = []
        for index in order {
            if let last = batches.last?.last, key[last] == key[index], let count = batches.last?.count, count < size {
                batches[batches.count - 1].append(index)
            } else {
                batches.append([index])
            }
        }
        return batches
    }
}

/// The state of one `evaluate`: panel fields and cross-sectional results as columns, built once.
private struct GraphRun {
    let graph: FactorGraph
    let panel: FactorPanel
    let strict: Bool
    let fuse: Bool
    var fields: [String: PanelColumn] = [:]
    var crossSections: [Int: PanelColumn] = [:]
    /// The first date results keep.
    let skip: Int
    /// Result columns of an earlier batch, reused (their pages are already mapped).
    var spare: [PanelColumn] = []
    /// See `FactorEvaluator.crossSectionMask`.
    var mask: UniverseMask?

    init(graph: FactorGraph, panel: FactorPanel, strict: Bool, fuse: Bool, skip: Int) {
        self.skip = skip
        self.graph = graph
        self.panel = panel
        self.strict = strict
        self.fuse = fuse
    }

    mutating func recycle(_ columns: some Sequence<PanelColumn>) { spare.append(contentsOf: columns) }

    /// One pass computing `targets` into columns of the dates from `skip` on (`keepAll`: all
    /// dates), reusing spare columns.
    mutating func columns(_ targets: [Int], keepAll: Bool = false) throws -> [Int: PanelColumn] {
        let skip = keepAll ? 0 : skip
        let count = panel.stockCount * (panel.dateCount - skip)
        var columns: [Int: PanelColumn] = [:]
        for target in targets {
            if !keepAll, let column = spare.popLast(), column.buffer.count == count {
                columns[target] = column
            } else {
                columns[target] = PanelColumn(count: count)
            }
        }
        try plan(columns.mapValues { .column($0) }, skip: skip).run(stocks: 0..<panel.stockCount)
        return columns
    }

    /// The pass computing `targets` (each into its own target), not yet run.
    mutating func plan(_ targets: [Int: EvaluationPass.Target], skip: Int) throws -> EvaluationPass {
        // The per-stock nodes the targets need, down to fields, numbers and cross-sections.
        var needed = Set<Int>()
        var stack = Array(targets.keys)
        while let node = stack.popLast() {
            guard needed.insert(node).inserted else { continue }
            if case .call(let op, let children, _) = graph.nodes[node], !op.isCrossSectional {
                stack.append(contentsOf: children)
            }
        }
        var pass = EvaluationPass(dates: panel.dateCount, skip: skip)
        var step: [Int: Int] = [:]
        // Node ids are a topological order: children are interned before their parents.
        let order = needed.sorted()
        let groups = fuse ? fusedGroups(order) : [:]
        var fusedStep: [FusedRolling.Key: Int] = [:]
        for node in order {
            if case .call(let op, let children, let parameters) = graph.nodes[node],
                let key = FusedRolling.key(op, children: children, parameters: parameters),
                let members = groups[key], let input = step[children[0]]
            {
                if fusedStep[key] == nil {
                    let kernel = FusedRolling.kernel(
                        key.family, members.map(\.call), window: Int(key.window), strict: strict)
                    fusedStep[key] = pass.add(.fused(kernel, outputs: members.count), inputs: [input], target: nil)
                }
                let index = members.firstIndex { $0.node == node } ?? 0
                step[node] = pass.add(.member(index), inputs: [fusedStep[key] ?? 0], target: targets[node])
                continue
            }
            let action: EvaluationPass.Action
            var inputs: [Int] = []
            switch graph.nodes[node] {
            case .number(let value): action = .constant(value)
            case .field(let name): action = .column(try field(name))
            case .call(let op, let children, let parameters):
                if op.isCrossSectional {
                    action = .column(try crossSection(node))
                } else {
                    inputs = children.compactMap { step[$0] }
                    action = try self.action(op, parameters)
                }
            }
            step[node] = pass.add(action, inputs: inputs, target: targets[node])
        }
        pass.planReleases()
        return pass
    }

    /// The nodes of `order` that share a `FusedRolling` key with another, by key.
    func fusedGroups(
        _ order: [Int]
    ) -> [FusedRolling.Key: [(node: Int, call: (op: FormulaOperator, parameters: [Double]))]] {
        var groups: [FusedRolling.Key: [(node: Int, call: (op: FormulaOperator, parameters: [Double]))]] = [:]
        for node in order {
            guard case .call(let op, let children, let parameters) = graph.nodes[node],
                let key = FusedRolling.key(op, children: children, parameters: parameters)
            else { continue }
            groups[key, default: []].append((node, (op, parameters)))
        }
        return groups.filter { $0.value.count > 1 }
    }

    func action(_ op: FormulaOperator, _ parameters: [Double]) throws -> EvaluationPass.Action {
        switch op {
        case .neg, .abs, .sign, .log, .not: return .unary(op)
        case .add, .sub, .mul, .div, .power, .greater, .less, .gt, .ge, .lt, .le, .eq, .ne, .and, .or:
            return .binary(op)
        case .ifThenElse: return .ifThenElse
        default:
            if op.isTechnical, let kernel = TechnicalDispatch.kernel(op, parameters) { return .technical(kernel) }
            if let kernel = RollingDispatch.kernel(op, parameters, strict: strict) { return .rolling(kernel) }
            throw StockSchoolError.invalidArgument(name: "formula", reason: "\(op.rawValue) cannot be evaluated")
        }
    }

    mutating func field(_ name: String) throws -> PanelColumn {
        if let known = fields[name] { return known }
        guard let values = panel.values(name) else {
            throw StockSchoolError.invalidArgument(name: "field", reason: "'$\(name)' is not loaded in the panel")
        }
        let column = PanelColumn(copying: values)
        fields[name] = column
        return column
    }

    /// A cross-sectional node's result, computing its input first (by a pass of its own).
    mutating func crossSection(_ node: Int) throws -> PanelColumn {
        if let known = crossSections[node] { return known }
        guard case .call(let op, let children, _) = graph.nodes[node], let child = children.first else {
            throw StockSchoolError.invalidArgument(name: "formula", reason: "a cross-sectional operator without input")
        }
        guard let input = try columns([child], keepAll: true)[child] else {
            throw StockSchoolError.invalidArgument(name: "formula", reason: "\(op.rawValue)'s input was not computed")
        }
        let out = PanelColumn(count: panel.cellCount)
        CrossSectionKernels.apply(
            op, input.values, stocks: panel.stockCount, dates: panel.dateCount, into: out.buffer,
            among: mask?.member)
        crossSections[node] = out
        return out
    }
}
