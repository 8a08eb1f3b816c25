import StockSchoolCore
import Testing

@testable import StockSchoolFactors

@Suite struct FactorEvaluatorTests {
    /// Three stocks × three dates; stock-major, so each row below is one stock's series.
    func panel() throws -> FactorPanel {
        let codes = [TSCode(literal: "000001.SZ"), TSCode(literal: "000002.SZ"), TSCode(literal: "600000.SH")]
        let dates = [
            TradeDate(unchecked: 2024_01_02), TradeDate(unchecked: 2024_01_03), TradeDate(unchecked: 2024_01_04),
        ]
        return try FactorPanel(
            tsCodes: codes, dates: dates, adjustment: .none,
            fields: [
                "open": [10, 11, 12, /**/ 20, 20, .nan, /**/ 5, 5, 5],
                "close": [11, 11, 13, /**/ 19, 21, .nan, /**/ 5, 6, 4],
            ])
    }

    func evaluate(_ formulas: [String: String], strict: Bool = false) throws -> [String: [Double]] {
        var graph = FactorGraph()
        for (name, text) in formulas.sorted(by: { $0.key < $1.key }) {
            graph.add(name, try FormulaParser().parse(text))
        }
        var results: [String: [Double]] = [:]
        try FactorEvaluator(panel: try panel(), strict: strict).evaluate(graph) { results[$0] = Array($1) }
        return results
    }

    /// Equal as doubles, NaN equal to NaN.
    func same(_ a: [Double]?, _ b: [Double]) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) || Swift.abs($0 - $1) < 1e-12 }
    }

    @Test func elementwiseFollowsNumpy() throws {
        let r = try evaluate([
            "ratio": "$close/$open", "up": "$close>$open", "pick": "If($close>$open,1,-1)",
            "big": "Greater($close,$open)", "neg": "-$close+1", "log": "Log($close-$open)",
        ])
        #expect(same(r["ratio"], [1.1, 1, 13.0 / 12, 0.95, 1.05, .nan, 1, 1.2, 0.8]))
        // A comparison with NaN is false.
        #expect(same(r["up"], [1, 0, 1, 0, 1, 0, 0, 1, 0]))
        #expect(same(r["pick"], [1, -1, 1, -1, 1, -1, -1, 1, -1]))
        // np.maximum propagates NaN.
        #expect(same(r["big"], [11, 11, 13, 20, 21, .nan, 5, 6, 5]))
        #expect(same(r["neg"], [-10, -10, -12, -18, -20, .nan, -4, -5, -3]))
        // log(1) = 0, log(0) = −∞, log(−1) = NaN.
        #expect(same(r["log"], [0, -.infinity, 0, .nan, 0, .nan, -.infinity, 0, .nan]))
    }

    /// Across stocks per date: pandas rank(pct=True) and (x − mean) / sample std.
    @Test func crossSectionalRankAndZScore() throws {
        let r = try evaluate(["rank": "CSRank($close)", "z": "CSZScore($close)"])
        // Date 1: closes 11, 19, 5 → ranks 2, 3, 1 of 3. Date 2: 11, 21, 6 → 2/3, 1, 1/3.
        // Date 3: 13, NaN, 4 → 1, NaN, 1/2.
        #expect(same(r["rank"], [2.0 / 3, 2.0 / 3, 1, 1, 1, .nan, 1.0 / 3, 1.0 / 3, 0.5]))
        // Date 1: mean 35/3, deviations −2/3, 22/3, −20/3, sample variance (4+484+400)/9/2 = 444/9.
        let sd = (444.0 / 9).squareRoot()
        let z = try #require(r["z"])
        #expect(Swift.abs(z[0] - (-2.0 / 3) / sd) < 1e-12)
        #expect(Swift.abs(z[3] - (22.0 / 3) / sd) < 1e-12)
        #expect(Swift.abs(z[6] - (-20.0 / 3) / sd) < 1e-12)
        // Date 3: two values 13 and 4: mean 8.5, sample std √40.5.
        #expect(Swift.abs(z[2] - 4.5 / 40.5.squareRoot()) < 1e-12)
        #expect(z[5].isNaN)
    }

    @Test func ranksShareTiesAndConstantsBroadcast() throws {
        let r = try evaluate(["tied": "CSRank($open)", "const": "1+2*3"])
        // Date 3: opens 12, NaN, 5 → 1, NaN, 1/2. Date 2: 11, 20, 5 → 2/3, 1, 1/3.
        // Date 1: 10, 20, 5 → 2/3, 1, 1/3.
        #expect(same(r["tied"], [2.0 / 3, 2.0 / 3, 1, 1, 1, .nan, 1.0 / 3, 1.0 / 3, 0.5]))
        #expect(same(r["const"], [Double](repeating: 7, count: 9)))
        // Ties: values 5, 5, 5 on one date share rank 2 of 3.
        var column: [Double] = [5, 5, 5, .nan]
        CrossSectionKernels.rank(&column)
        #expect(same(column, [2.0 / 3, 2.0 / 3, 2.0 / 3, .nan]))
    }

    /// A cross-section of a rolling result of a cross-section: each cross-sectional operator
    /// needs its input for every stock before it can run.
    @Test func nestedCrossSections() throws {
        let r = try evaluate(["inner": "Mean(CSRank($close),2)", "outer": "CSRank(Mean(CSRank($close),2))"])
        // CSRank($close) (above): stock 1: 2/3, 2/3, 1; stock 2: 1, 1, NaN; stock 3: 1/3, 1/3, 1/2.
        // Mean over 2 rows, NaN skipped: 2/3, 2/3, 5/6; 1, 1, 1; 1/3, 1/3, 5/12.
        let inner: [Double] = [2.0 / 3, 2.0 / 3, 5.0 / 6, 1, 1, 1, 1.0 / 3, 1.0 / 3, 5.0 / 12]
        #expect(same(r["inner"], inner))
        // Every date then orders the stocks 2 > 1 > 3.
        let outer: [Double] = [2.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1, 1.0 / 3, 1.0 / 3, 1.0 / 3]
        #expect(same(r["outer"], outer))
    }

    /// A small memory budget splits the outputs into batches (one each here), which recompute
    /// what they share; the results and their order do not change.
    @Test func batchesGiveTheSameResults() throws {
        let formulas = [
            ("a", "Mean($close,2)/$open"), ("b", "Mean($close,2)"), ("c", "CSRank(Mean($close,2))"), ("d", "$close"),
            ("e", "CSZScore(CSRank(Mean($close,2))+$open)"), ("f", "2*3"),
        ]
        var graph = FactorGraph()
        for (name, text) in formulas { graph.add(name, try FormulaParser().parse(text)) }
        var whole: [(String, [Double])] = []
        var batched: [(String, [Double])] = []
        try FactorEvaluator(panel: try panel()).evaluate(graph) { whole.append(($0, Array($1))) }
        try FactorEvaluator(panel: try panel(), memoryBudget: 1).evaluate(graph) { batched.append(($0, Array($1))) }
        // Without a window first (d, f), then those reading 2-row windows, each in graph order.
        #expect(whole.map(\.0) == ["d", "f", "a", "b", "c", "e"])
        #expect(batched.map(\.0) == whole.map(\.0))
        for (x, y) in zip(whole, batched) { #expect(same(x.1, y.1), "\(x.0)") }
        #expect(same(whole[0].1, [11, 11, 13, 19, 21, .nan, 5, 6, 4]))
        // Skipping the first date (a warm-up) drops it from every stock, after the windows and
        // cross-sections have used it.
        var trimmed: [(String, [Double])] = []
        try FactorEvaluator(panel: try panel(), memoryBudget: 1).evaluate(graph, skip: 1) {
            trimmed.append(($0, Array($1)))
        }
        for (x, y) in zip(whole, trimmed) {
            let kept = [1, 2, 4, 5, 7, 8].map { x.1[$0] }
            #expect(x.0 == y.0 && same(y.1, kept), "\(x.0)")
        }
        #expect(same(whole[1].1, [Double](repeating: 6, count: 9)))
    }

    /// Statistics that share a sweep (`FusedRolling`) give, bit for bit, what their own kernels
    /// give (those are checked against naive references), around NaN gaps, flat stretches,
    /// windows longer than the series, in both modes.
    @Test(arguments: [false, true]) func fusingChangesNothing(strict: Bool) throws {
        var generator = SeededGenerator(state: 7)
        let (stocks, days) = (4, 90)
        var close = (0..<(stocks * days)).map { _ in Double.random(in: 5...6, using: &generator) }
        for d in 0..<10 { close[d] = .nan }  // not yet listed
        for d in 40..<47 { close[days + d] = .nan }  // suspended
        for d in 20..<35 { close[2 * days + d] = 5.5 }  // flat
        for d in 80..<days { close[3 * days + d] = .nan }  // delisted
        let codes = (0..<stocks).map { TSCode(literal: "600000.SH").shifted($0) }
        let dates = (0..<days).map { TradeDate(daysSinceEpoch: 19_000 + $0) }
        let panel = try FactorPanel(tsCodes: codes, dates: dates, adjustment: .none, fields: ["close": close])
        var graph = FactorGraph()
        for input in ["$close", "$close/Ref($close,1)"] {
            for w in [1, 2, 5, 20, 200] {
                for op in [
                    "Rank", "Med", "Slope", "Rsquare", "Resi", "Mean", "Std", "Var", "Max", "IdxMax", "Min", "IdxMin",
                ] {
                    graph.add("\(op)(\(input),\(w))", try FormulaParser().parse("\(op)(\(input),\(w))"))
                }
                for q in [0.2, 0.8, 0.5] {
                    graph.add("Q\(q)(\(input),\(w))", try FormulaParser().parse("Quantile(\(input),\(w),\(q))"))
                }
            }
        }
        var fused: [(String, [Double])] = []
        var single: [(String, [Double])] = []
        try FactorEvaluator(panel: panel, strict: strict).evaluate(graph) { fused.append(($0, Array($1))) }
        try FactorEvaluator(panel: panel, strict: strict, memoryBudget: 1 << 30, fuse: false).evaluate(graph) {
            single.append(($0, Array($1)))
        }
        #expect(fused.count == graph.outputs.count && single.count == fused.count)
        for (a, b) in zip(fused, single) {
            let identical = zip(a.1, b.1).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(a.0 == b.0 && identical, "\(a.0)")
        }
        // Not vacuous: the sweeps produced numbers (windows of 1 and 200 may be all NaN).
        let windowed = fused.filter { $0.0.hasSuffix(",5)") || $0.0.hasSuffix(",20)") }
        #expect(windowed.count == 2 * 2 * 15)
        #expect(windowed.allSatisfy { $0.1.contains { !$0.isNaN } })
    }

    /// Summaries made stock by stock inside the pass equal those of the written-out columns.
    @Test(arguments: [0, 1]) func summarizeMatchesTheColumns(skip: Int) throws {
        var graph = FactorGraph()
        let formulas = [
            ("a", "Mean($close,2)/$open"), ("c", "CSRank(Mean($close,2))"), ("d", "$close"), ("f", "2*3"),
            ("g", "Std($close,3)"), ("h", "$close/($open-$open)"),
        ]
        for (name, text) in formulas { graph.add(name, try FormulaParser().parse(text)) }
        var expected: [String: FactorSummary] = [:]
        try FactorEvaluator(panel: try panel()).evaluate(graph, skip: skip) {
            expected[$0] = FactorSummary(name: $0, values: $1)
        }
        var seen: [(Int, Int)] = []
        let summaries = try FactorEvaluator(panel: try panel()).summarize(graph, skip: skip) { seen.append(($0, $1)) }
        #expect(summaries.map(\.name) == formulas.map(\.0))
        #expect(seen.last.map { $0 == (3, 3) } == true)
        func close(_ x: Double?, _ y: Double?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return Swift.abs(x - y) <= 1e-12 * Swift.max(1, Swift.abs(y))
        }
        for summary in summaries {
            let other = try #require(expected[summary.name])
            #expect(summary.cells == other.cells && summary.values == other.values, "\(summary.name)")
            #expect(summary.infinities == other.infinities && summary.nanShare == other.nanShare, "\(summary.name)")
            #expect(close(summary.mean, other.mean) && close(summary.std, other.std), "\(summary.name)")
            #expect(summary.min == other.min && summary.max == other.max, "\(summary.name)")
        }
        // By hand: $close with the first date skipped has 5 values of 6 cells.
        let d = try #require(summaries.first { $0.name == "d" })
        #expect(d.cells == 9 - 3 * skip && d.values == 8 - 3 * skip)
    }

    /// A batch is one window group, split where it exceeds the size.
    @Test func batchesKeepWindowGroupsTogether() throws {
        var graph = FactorGraph()
        let formulas = [
            "Mean($close,5)", "$close", "Std($close,5)", "Mean($close,10)", "Rank($close,5)", "Std($close,10)",
            "Ref($close,1)/$close",
        ]
        for (k, text) in formulas.enumerated() { graph.add("f\(k)", try FormulaParser().parse(text)) }
        // Windows: 5, 0, 5, 10, 5, 10, 1.
        #expect(FactorEvaluator.batches(graph, size: 10) == [[1], [6], [0, 2, 4], [3, 5]])
        #expect(FactorEvaluator.batches(graph, size: 2) == [[1], [6], [0, 2], [4], [3, 5]])
        #expect(FactorEvaluator.batches(graph, size: 1) == [[1], [6], [0], [2], [4], [3], [5]])
    }

    @Test func resultsStreamInOrderAndAFieldNotLoadedIsAnError() throws {
        var graph = FactorGraph()
        for name in ["b", "a", "c"] { graph.add(name, try FormulaParser().parse("$close*2")) }
        var seen: [String] = []
        try FactorEvaluator(panel: try panel()).evaluate(graph) { name, _ in seen.append(name) }
        #expect(seen == ["b", "a", "c"])  // one batch, no windows: the graph's order
        var missing = FactorGraph()
        missing.add("x", try FormulaParser().parse("$vwap/$close"))
        #expect(throws: StockSchoolError.self) { try FactorEvaluator(panel: try panel()).evaluate(missing) { _, _ in } }
    }

    /// Rolling operators run per stock, never across the stock boundary.
    @Test func rollingRunsPerStockInQlibOrStrictMode() throws {
        let qlib = try evaluate(["mean": "Mean($close,2)", "ref": "Ref($close,1)", "delta": "Delta($close,1)"])
        // Stock 1: 11, 11, 13 → partial first window: 11, then (11+11)/2, (11+13)/2.
        // Stock 2: 19, 21, NaN → 19, 20, 21 (the NaN is skipped). Stock 3: 5, 6, 4 → 5, 5.5, 5.
        #expect(same(qlib["mean"], [11, 11, 12, 19, 20, 21, 5, 5.5, 5]))
        #expect(same(qlib["ref"], [.nan, 11, 11, .nan, 19, 21, .nan, 5, 6]))
        #expect(same(qlib["delta"], [.nan, 0, 2, .nan, 2, .nan, .nan, 1, -2]))
        let strict = try evaluate(["mean": "Mean($close,2)"], strict: true)
        #expect(same(strict["mean"], [.nan, 11, 12, .nan, 20, .nan, .nan, 5.5, 5]))
    }

    /// Changing the data after date t never changes a value at or before t, for random formulas
    /// over every operator (the factor engine has no look-ahead; labels use negative `Ref`,
    /// which the formula reports as `lookahead`).
    @Test func noLookAhead() throws {
        var generator = SystemRandomNumberGenerator()
        let stocks = 6
        let days = 40
        func randomPanel(_ base: [String: [Double]]?, after cut: Int) throws -> FactorPanel {
            var fields: [String: [Double]] = [:]
            for name in ["open", "close", "volume"] {
                var values =
                    base?[name] ?? (0..<(stocks * days)).map { _ in Double.random(in: 1...20, using: &generator) }
                if base != nil {
                    for s in 0..<stocks {
                        for d in (cut + 1)..<days {
                            values[s * days + d] = Double.random(in: 1...20, using: &generator)
                        }
                    }
                }
                // A suspension: a few NaN cells.
                values[2 * days + 5] = .nan
                fields[name] = values
            }
            let codes = (0..<stocks).map { TSCode(literal: "600000.SH").shifted($0) }
            let dates = (0..<days).map { TradeDate(daysSinceEpoch: 19_000 + $0) }
            return try FactorPanel(tsCodes: codes, dates: dates, adjustment: .none, fields: fields)
        }
        let original = try randomPanel(nil, after: 0)
        for trial in 0..<100 {
            let cut = Int.random(in: 5..<(days - 2), using: &generator)
            let changed = try randomPanel(original.fields, after: cut)
            let formula = RandomFormula.make(depth: 3, using: &generator)
            var graph = FactorGraph()
            graph.add("f", formula)
            var a: [Double] = []
            var b: [Double] = []
            try FactorEvaluator(panel: original).evaluate(graph) { _, v in a = Array(v) }
            try FactorEvaluator(panel: changed).evaluate(graph) { _, v in b = Array(v) }
            for s in 0..<stocks {
                for d in 0...cut {
                    let (x, y) = (a[s * days + d], b[s * days + d])
                    #expect(
                        x == y || (x.isNaN && y.isNaN), "trial \(trial): \(formula) at stock \(s) day \(d) (cut \(cut))"
                    )
                }
            }
        }
    }
}

/// Random formulas over every operator, for property tests.
enum RandomFormula {
    static func make<G: RandomNumberGenerator>(depth: Int, using g: inout G) -> Formula {
        if depth == 0 || Int.random(in: 0..<4, using: &g) == 0 {
            return Bool.random(using: &g)
                ? .field(["open", "close", "volume"].randomElement(using: &g) ?? "close")
                : .number(Double(Int.random(in: 1...5, using: &g)))
        }
        let op = FormulaOperator.allCases.randomElement(using: &g) ?? .add
        let arguments: [Formula] = op.arguments.map { kind in
            switch kind {
            case .series: make(depth: depth - 1, using: &g)
            case .integer(let minimum): .number(Double(Swift.max(minimum, Int.random(in: 0...8, using: &g))))
            case .number(let range): .number(Double.random(in: range, using: &g))
            }
        }
        return .call(op, arguments)
    }
}

extension TSCode {
    /// `600000.SH`.shifted(3) = `600003.SH`.
    func shifted(_ n: Int) -> TSCode {
        let digits = String((Int(symbol) ?? 0) + n)
        return
            (try? TSCode(
                String(repeating: "0", count: Swift.max(0, 6 - digits.count)) + digits + "." + exchange.rawValue))
            ?? self
    }
}
