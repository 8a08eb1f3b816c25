/// Parses Qlib-style formulas (`Mean($close,5)/$close`, `If($close>Ref($close,1),1,0)`).
///
/// Precedence follows Python's, which evaluates Qlib's formulas: comparisons bind loosest, then
/// `|`, `&`, `+ -`, `* /`, unary `-`, `**`. Python would read `a > b & c > d` as a chained
/// comparison around `b & c`; that is almost never what the author meant, so a chained
/// comparison is an error here rather than a silent surprise. Errors name the 1-based position.
public struct FormulaParser {
    /// Fields a formula may read; `nil` accepts any `$name`.
    public let knownFields: Set<String>?

    public init(knownFields: Set<String>? = nil) {
        self.knownFields = knownFields
    }

    public func parse(_ text: String) throws(FormulaError) -> Formula {
        var state = State(tokens: try Self.tokenize(text), knownFields: knownFields)
        let formula = try state.comparison()
        guard case .end = state.current.kind else {
            throw FormulaError("unexpected \(state.current.kind.phrase)", at: state.current.position)
        }
        return formula
    }

    struct Token {
        enum Kind: Equatable {
            case number(Double)
            case field(String)
            case name(String)
            case symbol(String)
            case end

            var phrase: String {
                switch self {
                case .number(let value): "number \(Formula.number(value))"
                case .field(let name): "field '$\(name)'"
                case .name(let name): "'\(name)'"
                case .symbol(let symbol): "'\(symbol)'"
                case .end: "end of formula"
                }
            }
        }

        let kind: Kind
        /// 1-based character position.
        let position: Int
    }

    static let symbols = ["**", ">=", "<=", "==", "!=", "(", ")", ",", "+", "-", "*", "/", ">", "<", "&", "|"]

    static func tokenize(_ text: String) throws(FormulaError) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var i = 0
        func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < characters.count {
            let c = characters[i]
            let position = i + 1
            if c.isWhitespace {
                i += 1
            } else if c == "$" {
                var j = i + 1
                while j < characters.count, isNameCharacter(characters[j]) { j += 1 }
                guard j > i + 1 else { throw FormulaError("'$' must be followed by a field name", at: position) }
                tokens.append(Token(kind: .field(String(characters[(i + 1)..<j])), position: position))
                i = j
            } else if c.isASCII && c.isNumber || (c == "." && i + 1 < characters.count && characters[i + 1].isNumber) {
                var j = i
                while j < characters.count, characters[j].isASCII, characters[j].isNumber || characters[j] == "." {
                    j += 1
                }
                if j < characters.count, characters[j] == "e" || characters[j] == "E" {
                    var k = j + 1
                    if k < characters.count, characters[k] == "+" || characters[k] == "-" { k += 1 }
                    if k < characters.count, characters[k].isASCII, characters[k].isNumber {
                        while k < characters.count, characters[k].isASCII, characters[k].isNumber { k += 1 }
                        j = k
                    }
                }
                let literal = String(characters[i..<j])
                guard let value = Double(literal), value.isFinite else {
                    throw FormulaError("malformed number '\(literal)'", at: position)
                }
                tokens.append(Token(kind: .number(value), position: position))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < characters.count, isNameCharacter(characters[j]) { j += 1 }
                tokens.append(Token(kind: .name(String(characters[i..<j])), position: position))
                i = j
            } else if let symbol = symbols.first(where: { matches($0, characters, at: i) }) {
                tokens.append(Token(kind: .symbol(symbol), position: position))
                i += symbol.count
            } else {
                throw FormulaError("unexpected character '\(c)'", at: position)
            }
        }
        tokens.append(Token(kind: .end, position: characters.count + 1))
        return tokens
    }

    private static func matches(_ symbol: String, _ characters: [Character], at i: Int) -> Bool {
        let chars = Array(symbol)
        guard i + chars.count <= characters.count else { return false }
        return Array(characters[i..<(i + chars.count)]) == chars
    }

    struct State {
        let tokens: [Token]
        let knownFields: Set<String>?
        var index = 0

        var current: Token { tokens[index] }

        mutating func advance() -> Token {
            defer { if index < tokens.count - 1 { index += 1 } }
            return tokens[index]
        }

        func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

        mutating func expect(_ symbol: String) throws(FormulaError) {
            guard isSymbol(symbol) else {
                throw FormulaError("expected '\(symbol)', found \(current.kind.phrase)", at: current.position)
            }
            index += 1
        }

        static let comparisons: [String: FormulaOperator] = [
            ">": .gt, ">=": .ge, "<": .lt, "<=": .le, "==": .eq, "!=": .ne,
        ]

        mutating func comparison() throws(FormulaError) -> Formula {
            let left = try bitOr()
            guard case .symbol(let symbol) = current.kind, let op = Self.comparisons[symbol] else { return left }
            _ = advance()
            let right = try bitOr()
            if case .symbol(let next) = current.kind, Self.comparisons[next] != nil {
                throw FormulaError(
                    "chained comparison ('a \(symbol) b \(next) c'); write And(a \(symbol) b, b \(next) c)",
                    at: current.position)
            }
            return .call(op, [left, right])
        }

        mutating func bitOr() throws(FormulaError) -> Formula {
            var left = try bitAnd()
            while isSymbol("|") {
                _ = advance()
                left = .call(.or, [left, try bitAnd()])
            }
            return left
        }

        mutating func bitAnd() throws(FormulaError) -> Formula {
            var left = try additive()
            while isSymbol("&") {
                _ = advance()
                left = .call(.and, [left, try additive()])
            }
            return left
        }

        mutating func additive() throws(FormulaError) -> Formula {
            var left = try multiplicative()
            while isSymbol("+") || isSymbol("-") {
                let op: FormulaOperator = isSymbol("+") ? .add : .sub
                _ = advance()
                left = .call(op, [left, try multiplicative()])
            }
            return left
        }

        mutating func multiplicative() throws(FormulaError) -> Formula {
            var left = try unary()
            while isSymbol("*") || isSymbol("/") {
                let op: FormulaOperator = isSymbol("*") ? .mul : .div
                _ = advance()
                left = .call(op, [left, try unary()])
            }
            return left
        }

        mutating func unary() throws(FormulaError) -> Formula {
            if isSymbol("-") {
                _ = advance()
                let operand = try unary()
                if case .number(let value) = operand { return .number(-value) }
                return .call(.neg, [operand])
            }
            if isSymbol("+") {
                _ = advance()
                return try unary()
            }
            return try power()
        }

        mutating func power() throws(FormulaError) -> Formula {
            let base = try primary()
            guard isSymbol("**") else { return base }
            _ = advance()
            return .call(.power, [base, try unary()])
        }

        mutating func primary() throws(FormulaError) -> Formula {
            let token = advance()
            switch token.kind {
            case .number(let value): return .number(value)
            case .field(let name):
                if let knownFields, !knownFields.contains(name) {
                    throw FormulaError(
                        "unknown field '$\(name)' (known: \(knownFields.sorted().map { "$" + $0 }.joined(separator: " ")))",
                        at: token.position)
                }
                return .field(name)
            case .name(let name):
                guard let op = FormulaOperator(function: name) else {
                    throw FormulaError("unknown function '\(name)'", at: token.position)
                }
                return try call(op, named: name)
            case .symbol("("):
                let inner = try comparison()
                try expect(")")
                return inner
            case .symbol, .end:
                throw FormulaError(
                    "expected a field, a number or a function, found \(token.kind.phrase)", at: token.position)
            }
        }

        mutating func call(_ op: FormulaOperator, named name: String) throws(FormulaError) -> Formula {
            let open = current.position
            try expect("(")
            var arguments: [(Formula, Int)] = []
            if !isSymbol(")") {
                while true {
                    let position = current.position
                    arguments.append((try comparison(), position))
                    if isSymbol(",") {
                        _ = advance()
                        continue
                    }
                    break
                }
            }
            try expect(")")
            let expected = op.arguments
            guard arguments.count == expected.count else {
                throw FormulaError(
                    "\(name) expects \(expected.count) argument\(expected.count == 1 ? "" : "s"), got \(arguments.count)",
                    at: open)
            }
            for (k, (argument, position)) in arguments.enumerated() {
                switch expected[k] {
                case .series: break
                case .integer(let minimum):
                    guard case .number(let value) = argument, let whole = Int(exactly: value) else {
                        throw FormulaError(
                            "\(name) expects a whole number of rows as argument \(k + 1), got \(argument)", at: position
                        )
                    }
                    guard whole >= minimum else {
                        throw FormulaError(
                            "\(name) expects argument \(k + 1) to be at least \(minimum), got \(whole)", at: position)
                    }
                case .number(let range):
                    guard case .number(let value) = argument, range.contains(value) else {
                        throw FormulaError(
                            "\(name) expects a number in \(range.lowerBound)...\(range.upperBound) as argument \(k + 1), got \(argument)",
                            at: position)
                    }
                }
            }
            return .call(op, arguments.map(\.0))
        }
    }
}
