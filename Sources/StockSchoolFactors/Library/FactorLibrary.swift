/// The named factor sets StockSchool ships, as formulas.
public enum FactorLibrary {
    public struct Factor: Sendable, Equatable {
        public let name: String
        public let formula: String
        public let set: String
        /// What the factor measures, when its author said (`description:` in a factors file).
        public var about: String? = nil
    }

    /// Set names and what they are.
    public static let sets: [(name: String, about: String)] = [
        ("alpha158", "Qlib's Alpha158: 158 price-volume factors (FACTORS.md)"),
        ("alpha158-quick", "14 Alpha158 factors, a quick subset for timing and smoke tests"),
        ("technical", "classic indicators with TA-Lib's conventions, plus KDJ, MACD bar, volatility, volume ratio"),
        ("value", "valuation and size from daily_basic: EP, BP, SP, dividend yield, log market cap, turnover"),
    ]

    /// Raw indicator values in the units TA-Lib gives (prices for SMA/EMA/BBANDS/ATR/MACD, 0–100
    /// for RSI/MFI/KDJ/STOCH, …), on adjusted prices.
    static let technical: [(String, String)] = [
        ("SMA20", "TA_SMA($close,20)"), ("EMA20", "TA_EMA($close,20)"), ("WMA20", "TA_WMA($close,20)"),
        ("RSI6", "TA_RSI($close,6)"), ("RSI14", "TA_RSI($close,14)"),
        ("MACD", "TA_MACD($close,12,26,9)"), ("MACD_SIGNAL", "TA_MACDSIGNAL($close,12,26,9)"),
        ("MACD_HIST", "TA_MACDHIST($close,12,26,9)"), ("MACD_BAR", "MACD_BAR($close,12,26,9)"),
        ("ATR14", "TA_ATR($high,$low,$close,14)"), ("NATR14", "TA_NATR($high,$low,$close,14)"),
        ("BB_UPPER20", "TA_BBUPPER($close,20,2)"), ("BB_MIDDLE20", "TA_BBMIDDLE($close,20,2)"),
        ("BB_LOWER20", "TA_BBLOWER($close,20,2)"),
        ("KDJ_K", "KDJ_K($high,$low,$close,9,3,3)"), ("KDJ_D", "KDJ_D($high,$low,$close,9,3,3)"),
        ("KDJ_J", "KDJ_J($high,$low,$close,9,3,3)"),
        ("STOCH_K", "TA_STOCHK($high,$low,$close,9,3,3)"), ("STOCH_D", "TA_STOCHD($high,$low,$close,9,3,3)"),
        ("OBV", "TA_OBV($close,$volume)"), ("ROC10_PCT", "TA_ROC($close,10)"), ("MOM10", "TA_MOM($close,10)"),
        ("MFI14", "TA_MFI($high,$low,$close,$volume,14)"), ("WILLR14", "TA_WILLR($high,$low,$close,14)"),
        ("CCI14", "TA_CCI($high,$low,$close,14)"), ("VOLATILITY20", "VOLATILITY($close,20)"),
        ("VOLUME_RATIO5", "VOLUME_RATIO($volume,5)"),
    ]

    /// From `daily_basic` (TUSHARE.md): yields rather than multiples, so a loss-making company
    /// (Tushare leaves its `pe_ttm` empty) is missing rather than infinite.
    static let value: [(String, String)] = [
        ("EP", "1/$pe_ttm"), ("BP", "1/$pb"), ("SP", "1/$ps_ttm"), ("DY", "$dv_ttm/100"),
        ("LOG_MV", "Log($total_mv)"), ("LOG_CIRC_MV", "Log($circ_mv)"), ("TURNOVER", "$turnover_rate"),
        ("TURNOVER_F", "$turnover_rate_f"),
    ]

    public static func factors(in set: String) -> [Factor]? {
        switch set {
        case "alpha158": return Alpha158.factors.map { Factor(name: $0.name, formula: $0.formula, set: set) }
        case "alpha158-quick":
            let all = Dictionary(uniqueKeysWithValues: Alpha158.factors.map { ($0.name, $0.formula) })
            return Alpha158.quickSubset.compactMap { name in all[name].map { Factor(name: name, formula: $0, set: set) }
            }
        case "technical": return technical.map { Factor(name: $0.0, formula: $0.1, set: set) }
        case "value": return value.map { Factor(name: $0.0, formula: $0.1, set: set) }
        default: return nil
        }
    }

    /// Every shipped factor, each under its first set.
    public static var all: [Factor] {
        var seen = Set<String>()
        return sets.flatMap { factors(in: $0.name) ?? [] }.filter { seen.insert($0.name).inserted }
    }

    public static func factor(named name: String) -> Factor? { all.first { $0.name == name } }
}
