import Foundation
import StockSchoolCore
import StockSchoolStore
import Testing

@testable import StockSchoolSync

@Suite struct QualityCheckTests {
    let day = TradeDate(unchecked: 2024_03_01)
    let calendar = TradingCalendar(
        weekdaysFrom: TradeDate(unchecked: 2023_01_02), through: TradeDate(unchecked: 2024_03_29), holidays: [])

    func stocks(_ n: Int) -> [StockBasic] {
        (0..<n).map { i in
            StockBasic(
                tsCode: TSCode(literal: "600000.SH").offset(i), name: "股票\(i)", listStatus: .L,
                listDate: TradeDate(unchecked: 2010_01_04))
        }
    }

    func bar(
        _ code: TSCode, open: Double = 10, high: Double = 10.5, low: Double = 9.8, close: Double = 10.2,
        pre: Double = 10
    ) -> DailyBar {
        DailyBar(
            tsCode: code, tradeDate: day, open: open, high: high, low: low, close: close, preClose: pre,
            change: close - pre, pctChg: nil, vol: 100, amount: 100)
    }

    @Test func aCleanDayScoresOne() {
        let basics = stocks(10)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        let report = check.check(basics.map { bar($0.tsCode) }, on: day, runID: nil, at: .now)
        #expect(report.score == 1)
        #expect(report.findings == "[]")
        #expect(report.expected == 10)
    }

    @Test func brokenOHLCAndLimitsLowerTheScoreAndAreNamed() {
        let basics = stocks(10)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        var bars = basics.map { bar($0.tsCode) }
        bars[0] = bar(basics[0].tsCode, high: 10.1)  // high below close 10.2
        bars[1] = bar(basics[1].tsCode, high: 11.5, close: 11.5)  // +15% on a ±10% board
        let report = check.check(bars, on: day, runID: nil, at: .now)
        // (1 − 1/10) × (1 − 1/10) = 0.81
        #expect(abs(report.score - 0.81) < 1e-12)
        #expect(report.findings.contains("\"check\":\"ohlc\""))
        #expect(report.findings.contains("\"check\":\"price_limit\""))
        #expect(report.findings.contains(basics[1].tsCode.description))
    }

    @Test func missingHalfTheMarketScoresBelowTheAlertThreshold() {
        let basics = stocks(20)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        let report = check.check(basics.prefix(10).map { bar($0.tsCode) }, on: day, runID: nil, at: .now)
        // 10 of 20 listed present; 10% (at least 3) may be suspended → 10 / (20 − 3).
        #expect(abs(report.score - 10.0 / 17.0) < 1e-12)
        #expect(report.score < 0.8)
        #expect(report.findings.contains("coverage"))
    }

    /// 100 listed stocks; yesterday 98 traded (two suspended). Today 5 of those 98 are missing,
    /// the two suspended ones are back, and a stock listed today trades.
    @Test func coverageCountsAgainstThePreviousDaysUniverse() {
        var basics = stocks(101)
        basics[100].listDate = day
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        let yesterday = Set(basics[0..<98].map(\.tsCode))
        let missing = Set(basics[10..<15].map(\.tsCode))
        let today = basics.map(\.tsCode).filter { !missing.contains($0) }
        let report = check.check(
            today.map { bar($0) }, on: day, runID: nil, at: .now, context: QualityContext(previousCodes: yesterday))
        // Expected: the 98 plus the new listing = 99; present 94 of them, 3 may be missing →
        // 94 / (99 − 3).
        #expect(report.expected == 99)
        #expect(abs(report.score - 94.0 / 96.0) < 1e-12)
        let findings = try? JSONDecoder().decode([QualityCheck.Finding].self, from: Data(report.findings.utf8))
        #expect(findings?.first?.check == "coverage")
        #expect(findings?.first?.count == 5)
        #expect(findings?.first?.detail.contains(basics[10].tsCode.description) == true)
    }

    @Test func aFewNewSuspensionsAreNotAFinding() {
        let basics = stocks(100)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        let yesterday = Set(basics.map(\.tsCode))
        let report = check.check(
            basics.dropFirst(2).map { bar($0.tsCode) }, on: day, runID: nil, at: .now,
            context: QualityContext(previousCodes: yesterday))
        // 98 of 100 is within the 3 (at least 2%) allowed for the day's new suspensions.
        #expect(report.score == 1)
        #expect(report.findings == "[]")
    }

    /// Yesterday was itself half missing, so the previous-day universe alone would call today
    /// complete; the trailing median (100 rows) catches it.
    @Test func theTrailingMedianGuardsAShortPreviousDay() {
        let basics = stocks(100)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        let half = basics.prefix(50).map(\.tsCode)
        let report = check.check(
            half.map { bar($0) }, on: day, runID: nil, at: .now,
            context: QualityContext(previousCodes: Set(half), trailingMedian: 100))
        #expect(abs(report.score - 0.5 / 0.9) < 1e-12)
        #expect(report.findings.contains("trailing median of 100"))
    }

    @Test func adjFactorAndDailyBasicAreCheckedForCoverageDuplicatesAndValues() {
        let basics = stocks(10)
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        var factors = basics.map { AdjFactor(tsCode: $0.tsCode, tradeDate: day, adjFactor: 1.5) }
        factors[3].adjFactor = 0
        let adj = check.check(factors, on: day, runID: nil, at: .now)
        #expect(adj.dataset == "adj_factor")
        #expect(abs(adj.score - 0.9) < 1e-12)
        #expect(adj.findings.contains(basics[3].tsCode.description))
        let rows = basics.map { DailyBasic(tsCode: $0.tsCode, tradeDate: day) }
        let basic = check.check(rows + [rows[0]], on: day, runID: nil, at: .now)
        #expect(basic.dataset == "daily_basic")
        #expect(abs(basic.score - (1 - 1.0 / 11)) < 1e-12)
        #expect(basic.findings.contains("duplicates"))
    }
}

extension TSCode {
    /// `600000.SH`.offset(3) = `600003.SH`, for building test universes.
    func offset(_ n: Int) -> TSCode {
        let number = (Int(symbol) ?? 0) + n
        let digits = String(number)
        return (try? TSCode(String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "." + exchange.rawValue))
            ?? self
    }
}

@Suite struct PreCloseContinuityTests {
    @Test func aPreCloseThatIgnoresTheAdjustmentIsFlagged() {
        let day = TradeDate(unchecked: 2024_03_01)
        let calendar = TradingCalendar(
            weekdaysFrom: TradeDate(unchecked: 2024_02_26), through: TradeDate(unchecked: 2024_03_01), holidays: [])
        let a = TSCode(literal: "600000.SH")
        let b = TSCode(literal: "600001.SH")
        let basics = [a, b].map {
            StockBasic(tsCode: $0, name: "股票", listStatus: .L, listDate: TradeDate(unchecked: 2010_01_04))
        }
        let check = QualityCheck(stockBasic: basics, calendar: calendar)
        // Yesterday both closed at 10.00; b went ex-dividend today: adj 1.0 → 1.02, so its
        // pre_close must be 10.00 × 1.0 / 1.02 = 9.80 (to the fen), not 10.00.
        let implied: [TSCode: Double] = [a: 10.00, b: PriceLimit.roundToFen(10.00 * 1.0 / 1.02)]
        func bar(_ code: TSCode, pre: Double) -> DailyBar {
            DailyBar(
                tsCode: code, tradeDate: day, open: pre, high: pre + 0.2, low: pre - 0.2, close: pre + 0.1,
                preClose: pre, change: 0.1, pctChg: nil, vol: 100, amount: 100)
        }
        let good = check.check(
            [bar(a, pre: 10.00), bar(b, pre: 9.80)], on: day, runID: nil, at: .now,
            context: QualityContext(expectedPreClose: implied))
        #expect(good.score == 1)
        let bad = check.check(
            [bar(a, pre: 10.00), bar(b, pre: 10.00)], on: day, runID: nil, at: .now,
            context: QualityContext(expectedPreClose: implied))
        #expect(bad.score == 0.5)
        #expect(bad.findings.contains("pre_close"))
        #expect(bad.findings.contains("600001.SH"))
    }
}
