import Testing

@testable import StockSchoolFactors

@Suite struct FormulaParserTests {
    let parser = FormulaParser()

    func close() -> Formula { .field("close") }

    @Test func parsesCallsFieldsAndNumbers() throws {
        #expect(
            try parser.parse("Mean($close,5)/$close")
                == .call(.div, [.call(.mean, [close(), .number(5)]), close()]))
        #expect(
            try parser.parse("Corr($close, Log($volume+1), 20)")
                == .call(
                    .corr, [close(), .call(.log, [.call(.add, [.field("volume"), .number(1)])]), .number(20)]))
        #expect(
            try parser.parse("If($close>Ref($close,1),1,0)")
                == .call(
                    .ifThenElse, [.call(.gt, [close(), .call(.ref, [close(), .number(1)])]), .number(1), .number(0)]))
        #expect(try parser.parse("Ref($close,-2)") == .call(.ref, [close(), .number(-2)]))
        #expect(
            try parser.parse("$high-$low+1e-12")
                == .call(.add, [.call(.sub, [.field("high"), .field("low")]), .number(1e-12)]))
    }

    /// Python's precedence, which Qlib's formulas are evaluated with.
    @Test func precedenceIsPythons() throws {
        let (a, b, c) = (Formula.field("a"), Formula.field("b"), Formula.field("c"))
        #expect(try parser.parse("$a+$b*$c") == .call(.add, [a, .call(.mul, [b, c])]))
        #expect(try parser.parse("$a-$b-$c") == .call(.sub, [.call(.sub, [a, b]), c]))
        #expect(try parser.parse("$a/$b/$c") == .call(.div, [.call(.div, [a, b]), c]))
        // -x**2 is -(x**2) in Python.
        #expect(try parser.parse("-$a**2") == .call(.neg, [.call(.power, [a, .number(2)])]))
        // & binds tighter than a comparison.
        #expect(try parser.parse("$a > $b & $c") == .call(.gt, [a, .call(.and, [b, c])]))
        #expect(try parser.parse("($a > $b) | ($b < $c)") == .call(.or, [.call(.gt, [a, b]), .call(.lt, [b, c])]))
        #expect(try parser.parse("Not($a)") == .call(.not, [a]))
    }

    @Test func canonicalTextParsesBackToTheSameFormula() throws {
        for text in [
            "Mean($close,5)/$close", "Corr($close/Ref($close,1),Log($volume/Ref($volume,1)+1),10)",
            "Quantile($close,20,0.8)/$close", "-$a**2 + 3.25", "($close-Min($low,5))/(Max($high,5)-Min($low,5)+1e-12)",
        ] {
            let formula = try parser.parse(text)
            #expect(try parser.parse(formula.description) == formula, "\(text) → \(formula)")
        }
        #expect(try parser.parse("Mean($close,5)/$close").description == "Div(Mean($close,5),$close)")
    }

    @Test(arguments: [
        ("Meen($close,5)", "unknown function 'Meen' at 1"),
        ("Mean($close)", "Mean expects 2 arguments, got 1 at 5"),
        ("Corr($close,$open,5,6)", "Corr expects 3 arguments, got 4 at 5"),
        ("Mean($close,5.5)", "Mean expects a whole number of rows as argument 2, got 5.5 at 13"),
        ("Mean($close,$open)", "Mean expects a whole number of rows as argument 2, got $open at 13"),
        ("Std($close,0)", "Std expects argument 2 to be at least 1, got 0 at 12"),
        ("Quantile($close,5,1.5)", "Quantile expects a number in 0.0...1.0 as argument 3, got 1.5 at 19"),
        ("Mean($close,5", "expected ')', found end of formula at 14"),
        ("$close #", "unexpected character '#' at 8"),
        ("$close > $open > $low", "chained comparison ('a > b > c'); write And(a > b, b > c) at 16"),
        ("", "expected a field, a number or a function, found end of formula at 1"),
        ("()", "expected a field, a number or a function, found ')' at 2"),
        ("$close $open", "unexpected field '$open' at 8"),
        ("$ + 1", "'$' must be followed by a field name at 1"),
        ("1.2.3", "malformed number '1.2.3' at 1"),
    ])
    func errorsNameWhatAndWhere(_ text: String, _ message: String) {
        #expect(throws: FormulaError.self) { try parser.parse(text) }
        do {
            _ = try parser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func unknownFieldsAreNamedWhenTheFieldsAreKnown() {
        let strict = FormulaParser(knownFields: ["close", "open"])
        #expect(throws: FormulaError("unknown field '$clsoe' (known: $close $open)", at: 6)) {
            try strict.parse("Mean($clsoe,5)")
        }
    }

    @Test func lookbackAndLookahead() throws {
        #expect(try parser.parse("Mean($close,5)").lookback == 4)
        #expect(try parser.parse("Mean(Ref($close,1),5)").lookback == 5)
        #expect(try parser.parse("Corr($close,Ref($volume,2),10)").lookback == 11)
        #expect(try parser.parse("$close").lookahead == 0)
        #expect(try parser.parse("Ref($close,-2)/Ref($close,-1)-1").lookahead == 2)
    }
}
