/// The listing board, which decides a stock's daily price limit (涨跌幅限制).
public enum Board: String, Sendable, CaseIterable, Codable {
    /// Main boards of Shanghai (600/601/603/605) and Shenzhen (000/001/002/003; the SME board
    /// 002 merged into the main board in 2021), and B shares (900 / 200).
    case main
    /// 创业板 ChiNext, Shenzhen 300/301/302.
    case chiNext
    /// 科创板 STAR Market, Shanghai 688/689.
    case star
    /// 北交所 Beijing Stock Exchange, 4xxxxx / 8xxxxx / 92xxxx.
    case bse

    /// The date ChiNext's limit widened from ±10% to ±20% (registration-system reform).
    public static let chiNextReformDate = TradeDate(unchecked: 2020_08_24)

    init?(symbol: String, exchange: Exchange) {
        let prefix3 = symbol.prefix(3)
        switch exchange {
        case .SH:
            if prefix3 == "688" || prefix3 == "689" {
                self = .star
            } else if ["600", "601", "603", "605", "900"].contains(prefix3) {
                self = .main
            } else {
                return nil
            }
        case .SZ:
            if ["300", "301", "302"].contains(prefix3) {
                self = .chiNext
            } else if ["000", "001", "002", "003", "200"].contains(prefix3) {
                self = .main
            } else {
                return nil
            }
        case .BJ:
            if symbol.hasPrefix("4") || symbol.hasPrefix("8") || symbol.hasPrefix("92") {
                self = .bse
            } else {
                return nil
            }
        }
    }

    /// Tushare's `stock_basic.market` label for the board.
    public var tushareMarket: String {
        switch self {
        case .main: "主板"
        case .chiNext: "创业板"
        case .star: "科创板"
        case .bse: "北交所"
        }
    }
}
