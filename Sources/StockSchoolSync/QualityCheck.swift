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

    let basics: [TSCode: StockBasic]
    let calendar: TradingCalendar
    /// Stocks by list date, to find the listings between two days without scanning them all.
    let listings: [(date: TradeDate, code: TSCode)]
    /// Calendar index of each stock's first open day, for the days-since-listing price-limit rule.
    let firstDayIndex: [TSCode: Int]

    public init(stockBasic: [StockBasic], calendar: TradingCalendar) {
        let basics = Dictionary(stockBasic.map { ($0.tsCode, $0) }, uniquingKeysWith: { a, _ in a })
        self.basics = basics
        self.calendar = calendar
        self.listings = basics.values.compactMap { b in b.listDate.map { ($0, b.tsCode) } }.sorted { $0.date < $1.date }
        var firstDayIndex: [TSCode: Int] = [:]
        for (code, basic) in basics {
            if let listed = basic.listDate, let first = calendar.onOrAfter(listed), let i = calendar.index(of: first) {
                firstDayIndex[code] = i
            }
        }
        self.firstDayIndex = firstDayIndex
    }

    /// Stocks listed on `date` (list_date on or before it, not yet delisted).
    public func listed(on date: TradeDate) -> Set<TSCode> {
        var codes = Set<TSCode>(minimumCapacity: basics.count)
        for (code, basic) in basics where isListed(basic, on: date) { codes.insert(code) }
        return codes
    }

    public func expectedCount(on date: TradeDate) -> Int {
        basics.values.reduce(0) { $0 + (isListed($1, on: date) ? 1 : 0) }
    }

    func isListed(_ basic: StockBasic, on date: TradeDate) -> Bool {
        guard basic.tsCode.board != nil, let listedOn = basic.listDate, listedOn <= date else { return false }
        if let delisted = basic.delistDate, delisted <= date { return false }
        return true
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
        else { return (basics.isEmpty ? nil : listed(on: date), .listed) }
        guard !basics.isEmpty else { return (previous, .previousDay) }
        var carried = Set<TSCode>(minimumCapacity: previous.count + 8)
        for code in previous {
            if let basic = basics[code], isListed(basic, on: date) { carried.insert(code) }
        }
        let since = listings.partitionPoint { $0.date <= previousDate }
        let through = listings.partitionPoint { $0.date <= date }
        for listing in listings[since..<through] {
            if let basic = basics[listing.code], isListed(basic, on: date) { carried.insert(listing.code) }
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
        guard let board = code.board, let basic = basics[code] else { return nil }
        var sinceListing: Int?
        if let first = firstDayIndex[code], let index { sinceListing = index - first }
        return PriceLimit(board: board, isST: basic.isST, tradeDate: date, tradingDaysSinceListing: sinceListing)
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
