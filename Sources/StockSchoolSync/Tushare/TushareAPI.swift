import StockSchoolCore

/// The Tushare APIs StockSchool calls: their names, the fields it asks for, and how a reply
/// becomes typed records.
enum TushareAPI {
    static let dailyFields = [
        "ts_code", "trade_date", "open", "high", "low", "close", "pre_close", "change", "pct_chg", "vol", "amount",
    ]
    static let adjFactorFields = ["ts_code", "trade_date", "adj_factor"]
    static let dailyBasicFields = [
        "ts_code", "trade_date", "close", "turnover_rate", "turnover_rate_f", "volume_ratio", "pe", "pe_ttm", "pb",
        "ps", "ps_ttm", "dv_ratio", "dv_ttm", "total_share", "float_share", "free_share", "total_mv", "circ_mv",
    ]
    static let stockBasicFields = [
        "ts_code", "symbol", "name", "area", "industry", "fullname", "enname", "cnspell", "market", "exchange",
        "curr_type", "list_status", "list_date", "delist_date", "is_hs", "act_name", "act_ent_type",
    ]
    static let tradeCalFields = ["exchange", "cal_date", "is_open", "pretrade_date"]
    static let indexWeightFields = ["index_code", "con_code", "trade_date", "weight"]

    /// The reader's fields for `names`, in order.
    static func fields(_ r: TushareTableReader, _ names: [String]) -> [TushareTableReader.Field] {
        names.map(r.field)
    }

    static func bars(_ api: String, _ table: TushareResponse.Table) throws(TushareError) -> [DailyBar] {
        try bars(.api(api), table)
    }

    static func bars(
        _ origin: TushareTableReader.Origin, _ table: TushareResponse.Table
    ) throws(TushareError)
        -> [DailyBar]
    {
        let r = try TushareTableReader(origin: origin, table: table, required: dailyFields)
        let (code, date, open, high, low, close) = (
            r.field("ts_code"), r.field("trade_date"), r.field("open"), r.field("high"), r.field("low"),
            r.field("close")
        )
        let (preClose, change, pctChg, vol, amount) = (
            r.field("pre_close"), r.field("change"), r.field("pct_chg"), r.field("vol"), r.field("amount")
        )
        var bars: [DailyBar] = []
        bars.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            bars.append(
                DailyBar(
                    tsCode: try r.code(i, code), tradeDate: try r.requiredDate(i, date),
                    open: try r.requiredDouble(i, open), high: try r.requiredDouble(i, high),
                    low: try r.requiredDouble(i, low), close: try r.requiredDouble(i, close),
                    preClose: try r.double(i, preClose), change: try r.double(i, change),
                    pctChg: try r.double(i, pctChg), vol: try r.double(i, vol), amount: try r.double(i, amount)))
        }
        return bars
    }

    static func adjFactors(
        _ table: TushareResponse.Table, origin: TushareTableReader.Origin = .api("adj_factor")
    ) throws(TushareError) -> [AdjFactor] {
        let r = try TushareTableReader(origin: origin, table: table, required: adjFactorFields)
        var rows: [AdjFactor] = []
        rows.reserveCapacity(r.rowCount)
        let (code, date, adj) = (r.field("ts_code"), r.field("trade_date"), r.field("adj_factor"))
        for i in 0..<r.rowCount {
            let factor = try r.requiredDouble(i, adj)
            guard factor > 0 else {
                throw .malformedPayload(
                    api: "adj_factor", reason: "row \(i) field adj_factor: \(factor) is not positive")
            }
            rows.append(
                AdjFactor(tsCode: try r.code(i, code), tradeDate: try r.requiredDate(i, date), adjFactor: factor))
        }
        return rows
    }

    static func dailyBasics(
        _ table: TushareResponse.Table, origin: TushareTableReader.Origin = .api("daily_basic")
    ) throws(TushareError) -> [DailyBasic] {
        let r = try TushareTableReader(origin: origin, table: table, required: dailyBasicFields)
        var rows: [DailyBasic] = []
        rows.reserveCapacity(r.rowCount)
        let (code, date) = (r.field("ts_code"), r.field("trade_date"))
        // Columns looked up once, not per row.
        let f = fields(r, dailyBasicFields)
        for i in 0..<r.rowCount {
            var basic = DailyBasic(tsCode: try r.code(i, code), tradeDate: try r.requiredDate(i, date))
            basic.close = try r.double(i, f[2])
            basic.turnoverRate = try r.double(i, f[3])
            basic.turnoverRateF = try r.double(i, f[4])
            basic.volumeRatio = try r.double(i, f[5])
            basic.pe = try r.double(i, f[6])
            basic.peTtm = try r.double(i, f[7])
            basic.pb = try r.double(i, f[8])
            basic.ps = try r.double(i, f[9])
            basic.psTtm = try r.double(i, f[10])
            basic.dvRatio = try r.double(i, f[11])
            basic.dvTtm = try r.double(i, f[12])
            basic.totalShare = try r.double(i, f[13])
            basic.floatShare = try r.double(i, f[14])
            basic.freeShare = try r.double(i, f[15])
            basic.totalMv = try r.double(i, f[16])
            basic.circMv = try r.double(i, f[17])
            rows.append(basic)
        }
        return rows
    }

    static func stockBasics(
        _ table: TushareResponse.Table, origin: TushareTableReader.Origin = .api("stock_basic")
    ) throws(TushareError) -> [StockBasic] {
        let r = try TushareTableReader(origin: origin, table: table, required: ["ts_code", "name", "list_status"])
        var rows: [StockBasic] = []
        for i in 0..<r.rowCount {
            let statusText = try r.requiredText(i, "list_status")
            guard let status = StockBasic.ListStatus(rawValue: statusText) else {
                throw .malformedPayload(
                    api: "stock_basic", reason: "row \(i) field list_status: '\(statusText)' is not L, D or P")
            }
            let code = try r.code(i)
            var basic = StockBasic(
                tsCode: code, name: try r.requiredText(i, "name"), listStatus: status,
                listDate: try r.date(i, "list_date"), delistDate: try r.date(i, "delist_date"))
            basic.symbol = try r.text(i, "symbol") ?? code.symbol
            basic.area = try r.text(i, "area")
            basic.industry = try r.text(i, "industry")
            basic.fullname = try r.text(i, "fullname")
            basic.enname = try r.text(i, "enname")
            basic.cnspell = try r.text(i, "cnspell")
            basic.market = try r.text(i, "market")
            basic.exchange = try r.text(i, "exchange")
            basic.currType = try r.text(i, "curr_type")
            basic.isHs = try r.text(i, "is_hs")
            basic.actName = try r.text(i, "act_name")
            basic.actEntType = try r.text(i, "act_ent_type")
            rows.append(basic)
        }
        return rows
    }

    static func tradeCal(
        _ table: TushareResponse.Table, origin: TushareTableReader.Origin = .api("trade_cal")
    ) throws(TushareError) -> [TradeCalDay] {
        let r = try TushareTableReader(origin: origin, table: table, required: tradeCalFields)
        var rows: [TradeCalDay] = []
        for i in 0..<r.rowCount {
            let open = try r.requiredText(i, "is_open")
            guard open == "0" || open == "1" else {
                throw .malformedPayload(
                    api: "trade_cal",
                    reason: "\(TushareTableReader.place(origin, row: i)) is_open: '\(open)' is not 0 or 1")
            }
            rows.append(
                TradeCalDay(
                    exchange: try r.requiredText(i, "exchange"), calDate: try r.requiredDate(i, "cal_date"),
                    isOpen: open == "1", pretradeDate: try r.date(i, "pretrade_date")))
        }
        return rows
    }

    /// `index_weight` rows; a weight must be a finite percentage in [0, 100] when present.
    static func indexWeights(
        _ table: TushareResponse.Table, origin: TushareTableReader.Origin = .api("index_weight")
    ) throws(TushareError) -> [IndexWeight] {
        let r = try TushareTableReader(origin: origin, table: table, required: indexWeightFields)
        let (index, constituent, date, weight) = (
            r.field("index_code"), r.field("con_code"), r.field("trade_date"), r.field("weight")
        )
        var rows: [IndexWeight] = []
        rows.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            let value = try r.double(i, weight)
            if let value, !(0...100).contains(value) {
                throw .malformedPayload(
                    api: origin.api,
                    reason: "\(TushareTableReader.place(origin, row: i)) weight: \(value) is not a percentage in 0…100")
            }
            rows.append(
                IndexWeight(
                    indexCode: try r.code(i, index), conCode: try r.code(i, constituent),
                    tradeDate: try r.requiredDate(i, date), weight: value))
        }
        return rows
    }
}
