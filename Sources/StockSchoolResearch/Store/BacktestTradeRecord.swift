import StockSchoolCore
import StockSchoolStore

/// One `backtest_trades` row: an order of a stored backtest run.
public struct BacktestTradeRecord: Sendable, Equatable, StoreRecord {
    public var runID: Int64
    public var seq: Int64
    public var tradeDate: TradeDate
    public var tsCode: TSCode
    public var side: String
    public var shares: Double
    public var price: Double?
    public var amount: Double
    public var commission: Double
    public var stampDuty: Double
    public var status: String
    public var reason: String?

    public init(
        runID: Int64, seq: Int64, tradeDate: TradeDate, tsCode: TSCode, side: String, shares: Double, price: Double?,
        amount: Double, commission: Double, stampDuty: Double, status: String, reason: String?
    ) {
        self.runID = runID
        self.seq = seq
        self.tradeDate = tradeDate
        self.tsCode = tsCode
        self.side = side
        self.shares = shares
        self.price = price
        self.amount = amount
        self.commission = commission
        self.stampDuty = stampDuty
        self.status = status
        self.reason = reason
    }

    public init(runID: Int64, seq: Int64, _ trade: Trade) {
        self.init(
            runID: runID, seq: seq, tradeDate: trade.date, tsCode: trade.tsCode, side: trade.side.rawValue,
            shares: trade.shares, price: trade.price, amount: trade.amount, commission: trade.commission,
            stampDuty: trade.stampDuty, status: trade.status.rawValue, reason: trade.reason?.rawValue)
    }

    public static var schema: TableSchema { Schema.backtestTrades }
    public var rowKey: String { "run \(runID) order \(seq) \(tradeDate) \(tsCode)" }

    public func encode<E: RowEncoder>(to e: inout E) throws(ColumnViolation) {
        try e.integer(runID)
        try e.integer(seq)
        try e.date(tradeDate)
        try e.text(tsCode.description)
        try e.text(side)
        try e.double(shares)
        try e.double(price)
        try e.double(amount)
        try e.double(commission)
        try e.double(stampDuty)
        try e.text(status)
        try e.text(reason)
    }

    public init<D: RowDecoder>(from d: inout D) throws(StockSchoolError) {
        let table = Schema.backtestTrades.name
        self.init(
            runID: try d.requiredInteger("run_id", table), seq: try d.requiredInteger("seq", table),
            tradeDate: try d.requiredDate("trade_date", table), tsCode: try d.tsCode(table),
            side: try d.requiredText("side", table), shares: try d.requiredDouble("shares", table),
            price: try d.double(),
            amount: try d.requiredDouble("amount", table), commission: try d.requiredDouble("commission", table),
            stampDuty: try d.requiredDouble("stamp_duty", table), status: try d.requiredText("status", table),
            reason: try d.text())
    }
}
