/// The three A-share exchanges, named by the suffix Tushare puts on a `ts_code`.
public enum Exchange: String, Sendable, CaseIterable, Codable {
    /// Shanghai Stock Exchange (上交所), Tushare `exchange` = `SSE`.
    case SH
    /// Shenzhen Stock Exchange (深交所), `SZSE`.
    case SZ
    /// Beijing Stock Exchange (北交所), `BSE`.
    case BJ

    /// Rank of the suffix in text order (BJ < SH < SZ), so codes sort like their text.
    var suffixOrder: UInt32 {
        switch self {
        case .BJ: 0
        case .SH: 1
        case .SZ: 2
        }
    }

    /// The name Tushare uses in `stock_basic.exchange` and `trade_cal.exchange`.
    public var tushareName: String {
        switch self {
        case .SH: "SSE"
        case .SZ: "SZSE"
        case .BJ: "BSE"
        }
    }

    public init?(tushareName: String) {
        switch tushareName {
        case "SSE": self = .SH
        case "SZSE": self = .SZ
        case "BSE": self = .BJ
        default: return nil
        }
    }
}
