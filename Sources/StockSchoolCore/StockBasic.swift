/// Tushare `stock_basic`: one row per security ever listed, including delisted (`D`) and
/// paused (`P`) ones, so that history stays point-in-time (no survivorship bias).
public struct StockBasic: Sendable, Equatable, Hashable {
    /// Tushare's `list_status`.
    public enum ListStatus: String, Sendable, CaseIterable, Codable {
        /// Listed.
        case L
        /// Delisted.
        case D
        /// Paused (暂停上市).
        case P
    }

    public var tsCode: TSCode
    public var symbol: String
    public var name: String
    public var area: String?
    public var industry: String?
    public var fullname: String?
    public var enname: String?
    public var cnspell: String?
    /// 主板 / 创业板 / 科创板 / CDR / 北交所.
    public var market: String?
    /// SSE / SZSE / BSE.
    public var exchange: String?
    public var currType: String?
    public var listStatus: ListStatus
    public var listDate: TradeDate?
    public var delistDate: TradeDate?
    /// Shanghai/Shenzhen-Hong Kong Connect: N / H / S.
    public var isHs: String?
    public var actName: String?
    public var actEntType: String?

    public init(
        tsCode: TSCode, name: String, listStatus: ListStatus, listDate: TradeDate?,
        delistDate: TradeDate? = nil
    ) {
        self.tsCode = tsCode
        self.symbol = tsCode.symbol
        self.name = name
        self.listStatus = listStatus
        self.listDate = listDate
        self.delistDate = delistDate
        self.market = tsCode.board?.tushareMarket
        self.exchange = tsCode.exchange.tushareName
        self.currType = "CNY"
    }

    /// Risk-warning names (ST, *ST, SST, S*ST) trade under the tighter limit.
    public var isST: Bool { name.contains("ST") }
}
