import Testing

@testable import StockSchoolFactors

@Suite struct Alpha158Tests {
    @Test func all158NamesArePresentOnceAndParse() throws {
        let factors = Alpha158.factors
        #expect(factors.count == 158)
        #expect(Set(factors.map(\.name)).count == 158)
        // 9 KBAR + 4 price + 29 groups × 5 windows.
        for name in ["KMID", "KSFT2", "OPEN0", "VWAP0", "ROC5", "ROC60", "QTLU20", "IMXD30", "CORD10", "VSUMD60"] {
            #expect(factors.contains { $0.name == name }, "\(name)")
        }
        let parser = FormulaParser(knownFields: ["open", "high", "low", "close", "vwap", "volume"])
        for factor in factors {
            let formula = try parser.parse(factor.formula)
            #expect(formula.lookahead == 0, "\(factor.name) looks ahead")
        }
    }

    @Test func windowsAreSubstitutedOnlyWherePlaceholders() {
        #expect(Alpha158.substitute("IdxMax($high,d)/d", window: 20) == "IdxMax($high,20)/20")
        #expect(
            Alpha158.substitute("Std(Abs($close/Ref($close,1)-1)*$volume,d)", window: 5)
                == "Std(Abs($close/Ref($close,1)-1)*$volume,5)")
        let formulas = Dictionary(uniqueKeysWithValues: Alpha158.factors.map { ($0.name, $0.formula) })
        #expect(formulas["RSV10"] == "($close-Min($low,10))/(Max($high,10)-Min($low,10)+1e-12)")
        #expect(formulas["QTLD30"] == "Quantile($close,30,0.2)/$close")
    }

    /// Alpha158 shares subformulas heavily (`Ref($close,1)`, `Abs($close-Ref($close,1))`, …): the
    /// graph holds each once.
    @Test func sharedSubformulasAreOneNode() throws {
        let parser = FormulaParser()
        var graph = FactorGraph()
        var treeSize = 0
        func size(_ f: Formula) -> Int {
            if case .call(_, let arguments) = f { return 1 + arguments.map(size).reduce(0, +) }
            return 1
        }
        for factor in Alpha158.factors {
            let formula = try parser.parse(factor.formula)
            treeSize += size(formula)
            graph.add(factor.name, formula)
        }
        #expect(graph.outputs.count == 158)
        #expect(graph.nodeCount < treeSize / 2)
        var small = FactorGraph()
        small.add("a", try parser.parse("Ref($close,1)/$close"))
        small.add("b", try parser.parse("$close-Ref($close,1)"))
        // $close, 1 is a parameter, Ref, Div, Sub: four nodes.
        #expect(small.nodeCount == 4)
    }
}
