/// Every function a formula may call: Qlib's operators (FACTORS.md) under Qlib's names, plus
/// the cross-sectional `CSRank` and `CSZScore`. Infix operators parse to the same cases
/// (`a + b` is `Add(a, b)`), so a formula and its canonical text name one node.
public enum FormulaOperator: String, CaseIterable, Sendable, Hashable {
    // Element-wise.
    case add = "Add", sub = "Sub", mul = "Mul", div = "Div", neg = "Neg"
    case gt = "Gt", ge = "Ge", lt = "Lt", le = "Le", eq = "Eq", ne = "Ne"
    case and = "And", or = "Or", not = "Not"
    case abs = "Abs", sign = "Sign", log = "Log", power = "Power", greater = "Greater", less = "Less"
    case ifThenElse = "If"
    // Rolling over the last N rows of one stock.
    case ref = "Ref", delta = "Delta"
    case mean = "Mean", sum = "Sum", std = "Std", variance = "Var", skew = "Skew", kurt = "Kurt"
    case max = "Max", min = "Min", med = "Med", mad = "Mad", count = "Count"
    case quantile = "Quantile", rank = "Rank", idxMax = "IdxMax", idxMin = "IdxMin"
    case slope = "Slope", rsquare = "Rsquare", resi = "Resi", wma = "WMA", ema = "EMA"
    case corr = "Corr", cov = "Cov"
    // Across stocks on one date.
    case csRank = "CSRank", csZScore = "CSZScore"
    // Classic indicators with TA-Lib's conventions (seeds, warm-up), restarting after a gap.
    case taSMA = "TA_SMA", taEMA = "TA_EMA", taWMA = "TA_WMA", taRSI = "TA_RSI", taROC = "TA_ROC", taMOM = "TA_MOM"
    case taATR = "TA_ATR", taNATR = "TA_NATR", taWILLR = "TA_WILLR", taCCI = "TA_CCI", taMFI = "TA_MFI"
    case taOBV = "TA_OBV"
    case taMACD = "TA_MACD", taMACDSignal = "TA_MACDSIGNAL", taMACDHist = "TA_MACDHIST", macdBar = "MACD_BAR"
    case taBBUpper = "TA_BBUPPER", taBBMiddle = "TA_BBMIDDLE", taBBLower = "TA_BBLOWER"
    case taStochK = "TA_STOCHK", taStochD = "TA_STOCHD"
    // Chinese conventions TA-Lib lacks.
    case kdjK = "KDJ_K", kdjD = "KDJ_D", kdjJ = "KDJ_J"
    case volatility = "VOLATILITY", volumeRatio = "VOLUME_RATIO"

    /// What each argument must be: a series (any formula) or a literal number.
    public enum Argument: Sendable, Equatable {
        case series
        /// A whole number (a window or shift), with the least value allowed.
        case integer(minimum: Int)
        /// A number in a closed range (Quantile's q).
        case number(ClosedRange<Double>)
    }

    public var arguments: [Argument] {
        switch self {
        case .neg, .not, .abs, .sign, .log, .csRank, .csZScore: [.series]
        case .add, .sub, .mul, .div, .gt, .ge, .lt, .le, .eq, .ne, .and, .or, .power, .greater, .less:
            [.series, .series]
        case .ifThenElse: [.series, .series, .series]
        case .ref, .delta: [.series, .integer(minimum: Int.min)]
        case .mean, .sum, .std, .variance, .skew, .kurt, .max, .min, .med, .mad, .count, .rank, .idxMax, .idxMin,
            .slope, .rsquare, .resi, .wma, .ema:
            [.series, .integer(minimum: 1)]
        case .quantile: [.series, .integer(minimum: 1), .number(0...1)]
        case .corr, .cov: [.series, .series, .integer(minimum: 1)]
        case .taSMA, .taEMA, .taWMA, .taRSI, .taROC, .taMOM, .volatility, .volumeRatio: [.series, .integer(minimum: 1)]
        case .taATR, .taNATR, .taWILLR, .taCCI: [.series, .series, .series, .integer(minimum: 1)]
        case .taMFI: [.series, .series, .series, .series, .integer(minimum: 1)]
        case .taOBV: [.series, .series]
        case .taMACD, .taMACDSignal, .taMACDHist, .macdBar:
            [.series, .integer(minimum: 1), .integer(minimum: 1), .integer(minimum: 1)]
        case .taBBUpper, .taBBMiddle, .taBBLower: [.series, .integer(minimum: 1), .number(0...10)]
        case .taStochK, .taStochD, .kdjK, .kdjD, .kdjJ:
            [.series, .series, .series, .integer(minimum: 1), .integer(minimum: 1), .integer(minimum: 1)]
        }
    }

    /// A classic indicator computed per stock series (`Technical`).
    public var isTechnical: Bool {
        switch self {
        case .taSMA, .taEMA, .taWMA, .taRSI, .taROC, .taMOM, .taATR, .taNATR, .taWILLR, .taCCI, .taMFI, .taOBV,
            .taMACD, .taMACDSignal, .taMACDHist, .macdBar, .taBBUpper, .taBBMiddle, .taBBLower, .taStochK, .taStochD,
            .kdjK, .kdjD, .kdjJ, .volatility, .volumeRatio:
            true
        default: false
        }
    }

    /// Across the stocks of each date rather than along one stock's dates.
    public var isCrossSectional: Bool { self == .csRank || self == .csZScore }

    public var isRolling: Bool {
        switch self {
        case .ref, .delta, .mean, .sum, .std, .variance, .skew, .kurt, .max, .min, .med, .mad, .count, .quantile,
            .rank, .idxMax, .idxMin, .slope, .rsquare, .resi, .wma, .ema, .corr, .cov:
            true
        default: false
        }
    }

    /// Looks a function name up exactly as written (Qlib's names are case-sensitive).
    public init?(function name: String) {
        self.init(rawValue: name)
    }
}
