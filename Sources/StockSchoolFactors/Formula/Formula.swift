/// A parsed factor formula: fields, numbers and operator calls. Window and quantile arguments
/// are kept as `.number` leaves. Equal subformulas are equal values (and hash alike), which is
/// what lets a factor set share their computation.
public indirect enum Formula: Hashable, Sendable, CustomStringConvertible {
    /// `$close`: a panel field.
    case field(String)
    case number(Double)
    case call(FormulaOperator, [Formula])

    /// The canonical text: every operator in function form (`Div(Mean($close,5),$close)`), so
    /// formulas equal as trees print alike.
    public var description: String {
        switch self {
        case .field(let name): "$" + name
        case .number(let value):
            value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .call(let op, let arguments):
            op.rawValue + "(" + arguments.map(\.description).joined(separator: ",") + ")"
        }
    }

    /// Fields the formula reads.
    public var fields: Set<String> {
        switch self {
        case .field(let name): [name]
        case .number: []
        case .call(_, let arguments): arguments.reduce(into: Set<String>()) { $0.formUnion($1.fields) }
        }
    }

    /// How many rows before the current one the formula looks at (its warm-up): the sum of the
    /// windows along the deepest path. Negative shifts (looking ahead) are not counted here;
    /// see `lookahead`.
    public var lookback: Int {
        switch self {
        case .field, .number: return 0
        case .call(let op, let arguments):
            let inner = arguments.map(\.lookback).max() ?? 0
            if op.isTechnical {
                // The warm-up of the slowest smoothing chain: the sum of the indicator's periods.
                let periods = zip(arguments, op.arguments).compactMap { argument, kind -> Int? in
                    if case .integer = kind { return argument.windowValue }
                    return nil
                }
                return inner + periods.reduce(0, +)
            }
            guard op.isRolling, let window = arguments.last?.windowValue else { return inner }
            switch op {
            case .ref, .delta: return inner + Swift.max(0, window)
            default: return inner + Swift.max(0, window - 1)
            }
        }
    }

    /// Rows of history to load before the first date asked for, so that its values equal those
    /// computed on the whole history: `lookback` for windowed operators (exact), and four times
    /// the periods for the exponentially smoothed ones (Qlib's `EMA`, TA-Lib's EMA/RSI/ATR/MACD…,
    /// KDJ), whose memory never ends but whose weights fall below 1e-3 of the newest within 4N
    /// rows.
    public var warmup: Int {
        switch self {
        case .field, .number: return 0
        case .call(let op, let arguments):
            let inner = arguments.map(\.warmup).max() ?? 0
            let periods = zip(arguments, op.arguments).compactMap { argument, kind -> Int? in
                if case .integer = kind { return argument.windowValue.map { Swift.max(0, $0) } }
                return nil
            }.reduce(0, +)
            if op == .ema || op.isTechnical { return inner + 4 * periods }
            if op.isRolling { return inner + periods }
            return inner
        }
    }

    /// How many rows after the current one the formula reads (`Ref(x, -2)` reads 2): labels
    /// only; a factor must have none.
    public var lookahead: Int {
        switch self {
        case .field, .number: return 0
        case .call(let op, let arguments):
            let inner = arguments.map(\.lookahead).max() ?? 0
            if op == .ref || op == .delta, let shift = arguments.last?.windowValue, shift < 0 { return inner - shift }
            return inner
        }
    }

    var windowValue: Int? {
        if case .number(let value) = self, let whole = Int(exactly: value) { return whole }
        return nil
    }
}
