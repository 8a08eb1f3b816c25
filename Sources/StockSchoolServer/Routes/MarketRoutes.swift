import StockSchoolCore
import StockSchoolStore

/// Market data as synced: stocks, their daily bars (optionally adjusted), the trading calendar
/// and index bars. Field names are Tushare's.
enum MarketRoutes {
    static let routes: [APIRoute] = [
        APIRoute(
            .get, "/api/v1/stocks", summary: "Stocks, filtered and paged.", tag: "market",
            parameters: [
                .query("market", .string, "Board as Tushare names it: 主板, 创业板, 科创板, 北交所."),
                .query("industry", .string, "Industry, exactly as in stock_basic."),
                .query("list_status", .choice(["L", "D", "P"]), "L listed, D delisted, P paused."),
                .query("q", .string, "Part of the name, symbol or ts_code."),
                .page, .pageSize(default: 100),
            ], cache: .list, handler: stocks),
        APIRoute(
            .get, "/api/v1/stocks/{ts_code}", summary: "One stock's basic information.", tag: "market",
            parameters: [.path("ts_code", .tsCode, "Stock code, e.g. 600000.SH.")], cache: .list, handler: stock),
        APIRoute(
            .get, "/api/v1/stocks/{ts_code}/daily", summary: "One stock's daily bars, optionally adjusted.",
            tag: "market",
            parameters: [
                .path("ts_code", .tsCode, "Stock code, e.g. 600000.SH."), .startDate, .endDate,
                .query(
                    "adj", .choice(["none", "qfq", "hfq"]),
                    "Price adjustment: none (default), qfq (forward, to the latest adj_factor), hfq (backward)."),
                .query("fields", .string, "Comma-separated subset of the bar's fields."),
                .page, .pageSize(default: 1000),
            ], cache: .data, handler: daily),
        APIRoute(
            .get, "/api/v1/stocks/{ts_code}/daily_basic",
            summary: "One stock's daily indicators: turnover, valuation (pe_ttm, pb, ps), shares, market value.",
            tag: "market",
            parameters: [
                .path("ts_code", .tsCode, "Stock code, e.g. 600000.SH."), .startDate, .endDate,
                .query("order", .choice(["asc", "desc"]), "asc (default, oldest first) or desc (newest first)."),
                .page, .pageSize(default: 1000),
            ], cache: .data, handler: dailyBasic),
        APIRoute(
            .get, "/api/v1/trade_cal", summary: "The trading calendar.", tag: "market",
            parameters: [
                .query("exchange", .choice(["SSE", "SZSE", "BSE"]), "Exchange (default SSE)."), .startDate, .endDate,
                .query("is_open", .choice(["0", "1"]), "Only open (1) or closed (0) days."),
                .page, .pageSize(default: 1000),
            ], cache: .list, handler: tradeCal),
        APIRoute(
            .get, "/api/v1/index/{ts_code}/daily", summary: "One index's daily bars.", tag: "market",
            parameters: [
                .path("ts_code", .tsCode, "Index code, e.g. 000300.SH."), .startDate, .endDate,
                .page, .pageSize(default: 1000),
            ], cache: .data, handler: indexDaily),
    ]

    static let stockColumns: [(name: String, kind: ColumnKind)] = Schema.stockBasic.columns.map {
        ($0.name, $0.type == .date ? .date : .text)
    }

    // MARK: Stocks

    static func stocks(_ call: RouteCall) async throws -> Reply {
        let q = call.query
        let page = try q.page(defaultSize: 100)
        var where_ = SQLFilter()
        if let market = try q.string("market") { where_.add("market = ?", .text(market)) }
        if let industry = try q.string("industry") { where_.add("industry = ?", .text(industry)) }
        if let status = try q.choice("list_status", of: ["L", "D", "P"]) {
            where_.add("list_status = ?", .text(status))
        }
        if let text = try q.string("q", maxLength: 50) { addSearch(text, to: &where_) }
        let store = call.services.store
        let total = try await store.count("stock_basic", where_)
        let rows = try await store.query(
            SQLStatement(
                "SELECT \(stockColumns.map(\.name).joined(separator: ", ")) FROM stock_basic \(where_.clause) ORDER BY ts_code LIMIT \(page.size) OFFSET \(page.offset)",
                where_.binds))
        return Reply.list(page: page, total: total) { $0.rows(rows, columns: stockColumns) }
    }

    /// Stocks whose code, name, symbol or pinyin initials contain `text` (any case).
    static func addSearch(_ text: String, to filter: inout SQLFilter) {
        // LIKE wildcards in the user's text are matched literally.
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let pattern = SQLValue.text("%\(escaped.lowercased())%")
        filter.add(
            "(lower(ts_code) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\' OR symbol LIKE ? ESCAPE '\\' OR lower(cnspell) LIKE ? ESCAPE '\\')",
            pattern, pattern, pattern, pattern)
    }

    static func stock(_ call: RouteCall) async throws -> Reply {
        let code = try QueryParameters.tsCode(try call.path("ts_code"), parameter: "ts_code")
        let rows = try await call.services.store.query(
            SQLStatement(
                "SELECT \(stockColumns.map(\.name).joined(separator: ", ")) FROM stock_basic WHERE ts_code = ?",
                [.text(code.description)]))
        guard let row = rows.first else {
            throw APIError.notFound("no stock \(code) in stock_basic", details: ["ts_code": code.description])
        }
        return Reply.json { w in
            w.object { o in
                for (i, column) in stockColumns.enumerated() {
                    o.field(column.name) { $0.value(row[i], as: column.kind) }
                }
            }
        }
    }

    // MARK: Bars

    /// The bar fields in Tushare's order; the first two are the key.
    static let barFields = [
        "ts_code", "trade_date", "open", "high", "low", "close", "pre_close", "change", "pct_chg", "vol", "amount",
    ]
    static let dailyFields = barFields + ["adj_factor"]
    static let priceFields: Set<String> = ["open", "high", "low", "close", "pre_close", "change"]

    static func daily(_ call: RouteCall) async throws -> Reply {
        let code = try QueryParameters.tsCode(try call.path("ts_code"), parameter: "ts_code")
        let q = call.query
        let adj = try q.choice("adj", of: ["none", "qfq", "hfq"]) ?? "none"
        let fields = try q.list("fields", of: dailyFields) ?? dailyFields
        let page = try q.page(defaultSize: 1000)
        let store = call.services.store
        let (start, end) = try await range(call, table: "stock_daily", code: code)
        let rows = try await bars(store, code: code, start: start, end: end, page: page)
        let total: Int
        if page.offset == 0, rows.count < page.size {
            total = rows.count
        } else {
            var filter = SQLFilter()
            filter.add("ts_code = ?", .text(code.description))
            filter.dateBounds("trade_date", from: start, to: end)
            total = try await store.count("stock_daily", filter)
        }
        if total == 0, try await !stockExists(store, code) {
            throw APIError.notFound("no stock \(code) in stock_basic", details: ["ts_code": code.description])
        }
        // qfq divides by the stock's latest adj_factor, so today's prices are the real ones.
        var latest: Double?
        if adj == "qfq" {
            latest = try await store.query(
                SQLStatement(
                    "SELECT adj_factor FROM adj_factor WHERE ts_code = ? ORDER BY trade_date DESC LIMIT 1",
                    [.text(code.description)])
            ).first?.first?.doubleValue
        }
        let codeText = code.description
        var carried: Double?
        return Reply.list(
            page: page, total: total,
            header: { o in
                o.field("ts_code", codeText)
                o.field("adj", adj)
            }
        ) { w in
            w.array(rows) { w, row in
                if let factor = row[10].doubleValue { carried = factor }
                // A bar without its day's factor carries the last one known (as the panels do).
                let scale: Double? =
                    switch adj {
                    case "hfq": carried
                    case "qfq": carried.flatMap { c in latest.map { c / $0 } }
                    default: 1
                    }
                w.object { o in
                    for field in fields {
                        switch field {
                        case "ts_code": o.field("ts_code", codeText)
                        case "trade_date": o.field("trade_date") { $0.value(row[0], as: .date) }
                        case "adj_factor": o.field("adj_factor", row[10].doubleValue)
                        default:
                            let index = barFields.firstIndex(of: field).map { $0 - 1 } ?? 0
                            let raw = row[index].doubleValue
                            if priceFields.contains(field), adj != "none" {
                                o.field(field, raw.flatMap { r in scale.map { r * $0 } })
                            } else {
                                o.field(field, raw)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One page of a stock's bars with their adj_factor, oldest first.
    ///
    /// SQLite keys bars by (trade_date, ts_code), so one stock's bars are a skip-scan over every
    /// date in the table; naming the range's calendar dates turns that into one primary-key seek
    /// per date (≈3× faster for a year of a five-year store). A store without a calendar for
    /// the range (a CSV import) falls back to the plain query. PostgreSQL has a (ts_code,
    /// trade_date) index and takes the plain query.
    static func bars(
        _ store: any MarketStore, code: TSCode, start: TradeDate, end: TradeDate, page: Page
    ) async throws -> [[SQLValue]] {
        let select =
            "SELECT d.trade_date, d.open, d.high, d.low, d.close, d.pre_close, d.change, d.pct_chg, d.vol, d.amount, a.adj_factor FROM stock_daily d LEFT JOIN adj_factor a ON a.ts_code = d.ts_code AND a.trade_date = d.trade_date"
        let tail = "ORDER BY d.trade_date LIMIT \(page.size) OFFSET \(page.offset)"
        let binds: [SQLValue] = [
            .text(code.description), .integer(Int64(start.rawValue)), .integer(Int64(end.rawValue)),
        ]
        if store.dialect == .sqlite {
            let rows = try await store.query(
                SQLStatement(
                    "\(select) WHERE d.ts_code = ? AND d.trade_date IN (SELECT cal_date FROM trade_cal WHERE exchange = 'SSE' AND is_open = 1 AND cal_date BETWEEN ? AND ?) \(tail)",
                    binds))
            if !rows.isEmpty { return rows }
        }
        return try await store.query(
            SQLStatement("\(select) WHERE d.ts_code = ? AND d.trade_date BETWEEN ? AND ? \(tail)", binds))
    }

    static func indexDaily(_ call: RouteCall) async throws -> Reply {
        let code = try QueryParameters.tsCode(try call.path("ts_code"), parameter: "ts_code")
        let page = try call.query.page(defaultSize: 1000)
        let store = call.services.store
        let (start, end) = try await range(call, table: "index_daily", code: code)
        var filter = SQLFilter()
        filter.add("ts_code = ?", .text(code.description))
        filter.dateBounds("trade_date", from: start, to: end)
        let total = try await store.count("index_daily", filter)
        guard total > 0 || page.number > 1 else {
            throw APIError.notFound(
                "no index_daily bars for \(code) in \(start)–\(end); sync index_daily first",
                details: ["ts_code": code.description])
        }
        let rows = try await store.query(
            SQLStatement(
                "SELECT \(barFields.joined(separator: ", ")) FROM index_daily \(filter.clause) ORDER BY trade_date LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        let columns = barFields.map { ($0, $0 == "ts_code" ? ColumnKind.text : $0 == "trade_date" ? .date : .number) }
        return Reply.list(page: page, total: total) { $0.rows(rows, columns: columns) }
    }

    static let dailyBasicColumns: [(name: String, kind: ColumnKind)] = Schema.dailyBasic.columns.map {
        ($0.name, $0.type == .date ? .date : $0.type == .text ? .text : .number)
    }

    /// `daily_basic` rows of one stock; `order=desc&page_size=1` is its latest row.
    static func dailyBasic(_ call: RouteCall) async throws -> Reply {
        let code = try QueryParameters.tsCode(try call.path("ts_code"), parameter: "ts_code")
        let q = call.query
        let page = try q.page(defaultSize: 1000)
        let order = try q.choice("order", of: ["asc", "desc"]) ?? "asc"
        let store = call.services.store
        let (start, end) = try await range(call, table: "daily_basic", code: code)
        var filter = SQLFilter()
        filter.add("ts_code = ?", .text(code.description))
        filter.dateBounds("trade_date", from: start, to: end)
        let total = try await store.count("daily_basic", filter)
        if total == 0, try await !stockExists(store, code) {
            throw APIError.notFound("no stock \(code) in stock_basic", details: ["ts_code": code.description])
        }
        let rows = try await store.query(
            SQLStatement(
                "SELECT \(dailyBasicColumns.map(\.name).joined(separator: ", ")) FROM daily_basic \(filter.clause) ORDER BY trade_date \(order == "desc" ? "DESC" : "ASC") LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        return Reply.list(page: page, total: total, header: { $0.field("ts_code", code.description) }) {
            $0.rows(rows, columns: dailyBasicColumns)
        }
    }

    /// `start_date`…`end_date` with defaults: the year up to the latest bar of `code`.
    static func range(_ call: RouteCall, table: String, code: TSCode) async throws -> (TradeDate, TradeDate) {
        let (start, end) = try call.query.dateRange(maximumDays: call.services.settings.maximumRangeDays)
        if let start, let end { return (start, end) }
        let last: TradeDate
        if let end {
            last = end
        } else {
            let latest = try await call.services.store.query(
                SQLStatement("SELECT max(trade_date) FROM \(table) WHERE ts_code = ?", [.text(code.description)]))
            last =
                latest.first?.first?.int.map { TradeDate(unchecked: Int32($0)) }
                ?? TradeDate.inBeijing(secondsSinceEpoch: Timestamp.now.secondsSinceEpoch)
        }
        guard let start else { return (last.addingDays(-365), last) }
        if start > last { return (start, start) }
        guard last.daysSinceEpoch - start.daysSinceEpoch <= call.services.settings.maximumRangeDays else {
            return (start, start.addingDays(call.services.settings.maximumRangeDays))
        }
        return (start, last)
    }

    static func stockExists(_ store: any MarketStore, _ code: TSCode) async throws -> Bool {
        !(try await store.query(SQLStatement("SELECT 1 FROM stock_basic WHERE ts_code = ?", [.text(code.description)])))
            .isEmpty
    }

    // MARK: Calendar

    static func tradeCal(_ call: RouteCall) async throws -> Reply {
        let q = call.query
        let page = try q.page(defaultSize: 1000)
        let exchange = try q.choice("exchange", of: ["SSE", "SZSE", "BSE"]) ?? "SSE"
        let (start, end) = try q.dateRange(maximumDays: call.services.settings.maximumRangeDays)
        var filter = SQLFilter()
        filter.add("exchange = ?", .text(exchange))
        filter.dateBounds("cal_date", from: start, to: end)
        if let open = try q.choice("is_open", of: ["0", "1"]) {
            filter.add("is_open = ?", .integer(open == "1" ? 1 : 0))
        }
        let store = call.services.store
        let total = try await store.count("trade_cal", filter)
        let rows = try await store.query(
            SQLStatement(
                "SELECT exchange, cal_date, is_open, pretrade_date FROM trade_cal \(filter.clause) ORDER BY cal_date LIMIT \(page.size) OFFSET \(page.offset)",
                filter.binds))
        return Reply.list(page: page, total: total) {
            $0.rows(
                rows,
                columns: [("exchange", .text), ("cal_date", .date), ("is_open", .integer), ("pretrade_date", .date)])
        }
    }
}
