import Foundation
import StockSchoolCore
import StockSchoolStore

/// Checks one trade date of `daily` against what the A-share rules and the stock list say must
/// hold, and scores it in [0, 1].
///
/// Checks: OHLC consistency (low ≤ min(open, close) ≤ max(open, close) ≤ high, prices > 0); the
/// close inside the board's price-limit band around `pre_close`; `pre_close` continuity (it must
/// equal the previous open day's close × adj_prev / adj_today, to the fen); duplicate ts_codes; coverage
/// (rows against the stocks listed that day — suspended stocks legitimately have no row, so only
/// coverage below 90% counts). The score multiplies the share of rows passing each row check by
/// the coverage shortfall, so one broken check cannot hide behind good ones.
public struct QualityCheck: Sendable {
    public struct Finding: Codable, Sendable, Equatable {
        public var check: String
        public var count: Int
        public var detail: String
    }

    let basics: [TSCode: StockBasic]
    let calendar: TradingCalendar

    public init(stockBasic: [StockBasic], calendar: TradingCalendar) {
        self.basics = Dictionary(stockBasic.map { ($0.tsCode, $0) }, uniquingKeysWith: { a, _ in a })
        self.calendar = calendar
    }

    /// Stocks listed on `date` (list_date on or before it, not yet delisted).
    public func expectedCount(on date: TradeDate) -> Int {
        basics.values.reduce(0) { count, basic in
            guard basic.tsCode.board != nil, let listed = basic.listDate, listed <= date else { return count }
            if let delisted = basic.delistDate, delisted <= date { return count }
            return count + 1
        }
    }

    /// - Parameter expectedPreClose: for stocks whose previous close and both adjustment factors
    ///   are known, the `pre_close` they imply; stocks not in it are not checked for continuity.
    public func check(
        _ bars: [DailyBar], on date: TradeDate, runID: Int64?, at stamp: Timestamp,
        expectedPreClose: [TSCode: Double] = [:]
    ) -> QualityReport {
        var findings: [Finding] = []
        var ohlcBad: [String] = []
        var continuityBad: [String] = []
        var limitBad: [String] = []
        var seen = Set<TSCode>()
        var duplicates: [String] = []
        for bar in bars {
            if !seen.insert(bar.tsCode).inserted { duplicates.append(bar.tsCode.description) }
            let lowOK = bar.low > 0 && bar.low <= min(bar.open, bar.close)
            let highOK = bar.high >= max(bar.open, bar.close)
            if !lowOK || !highOK { ohlcBad.append(bar.tsCode.description) }
            if let preClose = bar.preClose, let limit = limit(for: bar.tsCode, on: date),
                !limit.allows(price: bar.close, preClose: preClose)
            {
                limitBad.append(bar.tsCode.description)
            }
            // Half a fen for the exchange's rounding, plus float noise.
            if let preClose = bar.preClose, let implied = expectedPreClose[bar.tsCode],
                abs(preClose - implied) > 0.005 + 1e-9
            {
                continuityBad.append(bar.tsCode.description)
            }
        }
        let rows = bars.count
        let expected = expectedCount(on: date)
        func add(_ check: String, _ codes: [String], _ what: String) {
            guard !codes.isEmpty else { return }
            let sample = codes.prefix(5).joined(separator: ", ")
            findings.append(
                Finding(check: check, count: codes.count, detail: "\(what): \(sample)\(codes.count > 5 ? ", …" : "")"))
        }
        add("ohlc", ohlcBad, "low/high inconsistent with open/close")
        add("price_limit", limitBad, "close outside the price-limit band")
        add("pre_close", continuityBad, "pre_close differs from the previous close adjusted by adj_factor")
        add("duplicates", duplicates, "ts_code appears more than once")
        var score = 1.0
        if rows > 0 {
            score *= 1 - Double(ohlcBad.count) / Double(rows)
            score *= 1 - Double(limitBad.count) / Double(rows)
            score *= 1 - Double(continuityBad.count) / Double(rows)
            score *= 1 - Double(duplicates.count) / Double(rows)
        }
        let coverage = expected > 0 ? Double(rows) / Double(expected) : 1
        if coverage < 0.9 {
            score *= coverage / 0.9
            findings.append(
                Finding(check: "coverage", count: expected - rows, detail: "\(rows) rows for \(expected) listed stocks")
            )
        }
        let json = (try? JSONEncoder().encode(findings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return QualityReport(
            dataset: Dataset.daily.rawValue, tradeDate: date, score: max(0, min(1, score)), rows: Int64(rows),
            expected: Int64(expected), findings: json, runID: runID, checkedAt: stamp)
    }

    func limit(for code: TSCode, on date: TradeDate) -> PriceLimit? {
        guard let board = code.board, let basic = basics[code] else { return nil }
        var sinceListing: Int?
        if let listed = basic.listDate, let first = calendar.onOrAfter(listed), let i = calendar.index(of: first),
            let j = calendar.index(of: date)
        {
            sinceListing = j - i
        }
        return PriceLimit(board: board, isST: basic.isST, tradeDate: date, tradingDaysSinceListing: sinceListing)
    }
}

extension QualityCheck {
    /// The `pre_close` each stock should have on `date`, from the store: the previous open day's
    /// close × adj_prev / adj_today, for stocks with all three known.
    public func expectedPreClose(on date: TradeDate, store: any MarketStore) async throws -> [TSCode: Double] {
        guard let previous = calendar.previous(date) else { return [:] }
        let closes = try await store.read(DailyBar.self, .crossSection(previous))
        guard !closes.isEmpty else { return [:] }
        let factors = try await store.read(AdjFactor.self, RecordFilter(start: previous, end: date))
        var before: [TSCode: Double] = [:]
        var today: [TSCode: Double] = [:]
        for factor in factors {
            if factor.tradeDate == previous {
                before[factor.tsCode] = factor.adjFactor
            } else if factor.tradeDate == date {
                today[factor.tsCode] = factor.adjFactor
            }
        }
        var expected: [TSCode: Double] = [:]
        for bar in closes {
            guard let a = before[bar.tsCode], let b = today[bar.tsCode], b > 0 else { continue }
            expected[bar.tsCode] = PriceLimit.roundToFen(bar.close * a / b)
        }
        return expected
    }
}
