import Foundation
import StockSchoolCore
import StockSchoolStore

/// Checks one trade date of a per-day dataset against what the A-share rules, the stock list and
/// the days before it say must hold, and scores it in [0, 1].
///
/// Row checks (`daily`): OHLC consistency (low ≤ min(open, close) ≤ max(open, close) ≤ high,
/// prices > 0); the close inside the board's price-limit band around `pre_close`; `pre_close`
/// continuity (it must equal the previous open day's close × adj_prev / adj_today, to the fen).
/// Row checks (`adj_factor`): the factor is positive. Every dataset: duplicate ts_codes and
/// coverage (see `Coverage`). The score multiplies the share of rows passing each row check by
/// the coverage shortfall, so one broken check cannot hide behind good ones.
public struct QualityCheck: Sendable {
    public struct Finding: Codable, Sendable, Equatable {
        public var check: String
        public var count: Int
        public var detail: String
    }

    /// What the checks need of a stock, worked out once from `stock_basic` (not per row: the
    /// board and ST status come from the code's and name's text).
    struct Listing: Sendable {
        let board: Board?
        let isST: Bool
        let listDate: TradeDate?
        let delistDate: TradeDate?
        /// Calendar index of the first open day on or after listing.
        let firstDayIndex: Int?

        func isListed(on date: TradeDate) -> Bool {
            guard board != nil, let listDate, listDate <= date else { return false }
            if let delistDate, delistDate <= date { return false }
            return true
        }
    }

    let listings: [TSCode: Listing]
    let calendar: TradingCalendar
    /// Stocks by list date, to find the listings between two days without scanning them all.
    let byListDate: [(date: TradeDate, code: TSCode)]

    public init(stockBasic: [StockBasic], calendar: TradingCalendar) {
        var listings: [TSCode: Listing] = [:]
        for basic in stockBasic where listings[basic.tsCode] == nil {
            var first: Int?
            if let listed = basic.listDate, let day = calendar.onOrAfter(listed) { first = calendar.index(of: day) }
            listings[basic.tsCode] = Listing(
                board: basic.tsCode.board, isST: basic.isST, listDate: basic.listDate, delistDate: basic.delistDate,
                firstDayIndex: first)
        }
        self.listings = listings
        self.calendar = calendar
        self.byListDate = listings.compactMap { code, listing in listing.listDate.map { ($0, code) } }
            .sorted { ($0.date, $0.code) < ($1.date, $1.code) }
    }

    /// Stocks listed on `date` (list_date on or before it, not yet delisted).
    public func listed(on date: TradeDate) -> Set<TSCode> {
        var codes = Set<TSCode>(minimumCapacity: listings.count)
        for (code, listing) in listings where listing.isListed(on: date) { codes.insert(code) }
        return codes
    }

    public func check(
        _ bars: [DailyBar], on date: TradeDate, runID: Int64?, at stamp: Timestamp,
        context: QualityContext = QualityContext()
    ) -> QualityReport {
        var tally = Tally(rows: bars.count)
        var ohlcBad: [String] = []
        var continuityBad: [String] = []
        var limitBad: [String] = []
        let dateIndex = calendar.index(of: date)
        for bar in bars {
            let lowOK = bar.low > 0 && bar.low <= min(bar.open, bar.close)
            let highOK = bar.high >= max(bar.open, bar.close)
            if !lowOK || !highOK { ohlcBad.append(bar.tsCode.description) }
            if let preClose = bar.preClose, let limit = limit(for: bar.tsCode, on: date, index: dateIndex),
                !limit.allows(price: bar.close, preClose: preClose)
            {
                limitBad.append(bar.tsCode.description)
            }
            // Half a fen for the exchange's rounding, plus float noise.
            if let preClose = bar.preClose, let implied = context.expectedPreClose[bar.tsCode],
                abs(preClose - implied) > 0.005 + 1e-9
            {
                continuityBad.append(bar.tsCode.description)
            }
        }
        tally.rowCheck("ohlc", ohlcBad, "low/high inconsistent with open/close")
        tally.rowCheck("price_limit", limitBad, "close outside the price-limit band")
        tally.rowCheck("pre_close", continuityBad, "pre_close differs from the previous close adjusted by adj_factor")
        return finish(&tally, .daily, codes: bars.map(\.tsCode), on: date, context: context, runID: runID, at: stamp)
    }

    public func check(
        _ factors: [AdjFactor], on date: TradeDate, runID: Int64?, at stamp: Timestamp,
        context: QualityContext = QualityContext()
    ) -> QualityReport {
        var tally = Tally(rows: factors.count)
        tally.rowCheck(
            "adj_factor", factors.filter { !($0.adjFactor > 0) }.map(\.tsCode.description), "adj_factor not positive")
        return finish(
            &tally, .adjFactor, codes: factors.map(\.tsCode), on: date, context: context, runID: runID, at: stamp)
    }

    public func check(
        _ basics: [DailyBasic], on date: TradeDate, runID: Int64?, at stamp: Timestamp,
        context: QualityContext = QualityContext()
    ) -> QualityReport {
        var tally = Tally(rows: basics.count)
        return finish(
            &tally, .dailyBasic, codes: basics.map(\.tsCode), on: date, context: context, runID: runID, at: stamp)
    }

    /// Adds the checks every dataset shares (duplicates, coverage) and builds the report.
    private func finish(
        _ tally: inout Tally, _ dataset: Dataset, codes: [TSCode], on date: TradeDate, context: QualityContext,
        runID: Int64?, at stamp: Timestamp
    ) -> QualityReport {
        var seen = Set<TSCode>(minimumCapacity: codes.count)
        var duplicates: [String] = []
        for code in codes where !seen.insert(code).inserted { duplicates.append(code.description) }
        tally.rowCheck("duplicates", duplicates, "ts_code appears more than once")
        let (universe, basis) = expectedUniverse(on: date, context: context)
        let coverage = Coverage(
            present: seen, expected: universe, basis: basis, trailingMedian: context.trailingMedian)
        if let finding = coverage.finding { tally.findings.append(finding) }
        tally.score *= coverage.factor
        return QualityReport(
            dataset: dataset.rawValue, tradeDate: date, score: max(0, min(1, tally.score)), rows: Int64(codes.count),
            expected: coverage.expected.map(Int64.init), findings: Tally.json(tally.findings), runID: runID,
            checkedAt: stamp)
    }

    /// The stocks expected to have a row on `date`: those with a row the previous open day that
    /// are still listed, plus listings since; without a previous day, those listed.
    func expectedUniverse(on date: TradeDate, context: QualityContext) -> (Set<TSCode>?, Coverage.Basis) {
        guard let previous = context.previousCodes, !previous.isEmpty, let previousDate = calendar.previous(date)
        else { return (listings.isEmpty ? nil : listed(on: date), .listed) }
        guard !listings.isEmpty else { return (previous, .previousDay) }
        var carried = Set<TSCode>(minimumCapacity: previous.count + 8)
        for code in previous where listings[code]?.isListed(on: date) == true { carried.insert(code) }
        let since = byListDate.partitionPoint { $0.date <= previousDate }
        let through = byListDate.partitionPoint { $0.date <= date }
        for listed in byListDate[since..<through] where listings[listed.code]?.isListed(on: date) == true {
            carried.insert(listed.code)
        }
        return (carried, .previousDay)
    }

    /// A report for an open day with no data at all, between days that have it.
    public static func calendarGap(
        _ dataset: Dataset, on date: TradeDate, runID: Int64?, at stamp: Timestamp
    ) -> QualityReport {
        QualityReport(
            dataset: dataset.rawValue, tradeDate: date, score: 0, rows: 0, expected: nil,
            findings: Tally.json([
                Finding(check: "calendar_gap", count: 1, detail: "no \(dataset.rawValue) data for this open day")
            ]), runID: runID, checkedAt: stamp)
    }

    func limit(for code: TSCode, on date: TradeDate, index: Int?) -> PriceLimit? {
        guard let listing = listings[code], let board = listing.board else { return nil }
        var sinceListing: Int?
        if let first = listing.firstDayIndex, let index { sinceListing = index - first }
        return PriceLimit(board: board, isST: listing.isST, tradeDate: date, tradingDaysSinceListing: sinceListing)
    }
}

/// Findings and the running score of one report.
struct Tally {
    let rows: Int
    var score = 1.0
    var findings: [QualityCheck.Finding] = []

    init(rows: Int) { self.rows = rows }

    /// A check failed by `codes` rows lowers the score by their share of the rows.
    mutating func rowCheck(_ check: String, _ codes: [String], _ what: String) {
        guard !codes.isEmpty else { return }
        findings.append(.init(check: check, count: codes.count, detail: "\(what): \(Tally.sample(codes))"))
        if rows > 0 { score *= 1 - Double(codes.count) / Double(rows) }
    }

    static func sample(_ codes: [String]) -> String {
        codes.prefix(5).joined(separator: ", ") + (codes.count > 5 ? ", …" : "")
    }

    static func json(_ findings: [QualityCheck.Finding]) -> String {
        (try? JSONEncoder().encode(findings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
