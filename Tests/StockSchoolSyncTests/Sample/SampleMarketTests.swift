import Foundation
import StockSchoolCore
import Testing

@testable import StockSchoolSync

/// Every row of a generated market, read once through the public accessors.
private struct SampleSnapshot: Sendable {
    let market: SampleMarket
    let days: [TradeDate]
    let daily: [[DailyBar]]
    let adj: [[AdjFactor]]
    let basic: [[DailyBasic]]
    let info: [TSCode: StockBasic]
    let histories: [TSCode: [Day]]

    init(_ market: SampleMarket) {
        self.market = market
        days = market.calendar.openDays
        daily = days.map { market.daily(on: $0) }
        adj = days.map { market.adjFactor(on: $0) }
        basic = days.map { market.dailyBasic(on: $0) }
        info = Dictionary(uniqueKeysWithValues: market.stockBasic.map { ($0.tsCode, $0) })
        var histories: [TSCode: [Day]] = [:]
        for d in days.indices {
            let bars = Dictionary(uniqueKeysWithValues: daily[d].map { ($0.tsCode, $0) })
            let basics = Dictionary(uniqueKeysWithValues: basic[d].map { ($0.tsCode, $0) })
            for row in adj[d] {
                histories[row.tsCode, default: []].append(
                    Day(day: d, adj: row.adjFactor, bar: bars[row.tsCode], basic: basics[row.tsCode]))
            }
        }
        self.histories = histories
    }

    /// One stock's days, in order: every listed day with its adj factor, and the bar / basic row
    /// when it traded.
    struct Day: Sendable {
        let day: Int
        let adj: Double
        let bar: DailyBar?
        let basic: DailyBasic?
    }

    /// The day's price limit from the public data alone: board, ST flag from the name, and trading
    /// days since listing from the calendar (a listing before the range counts as long ago).
    func limit(for code: TSCode, day d: Int) -> PriceLimit {
        // An unknown stock gets a zero-width band, so every check against it fails loudly.
        guard let stock = info[code], let board = code.board else { return PriceLimit(ratio: 0) }
        let listed = stock.listDate.flatMap { market.calendar.index(of: $0) }
        return PriceLimit(
            board: board, isST: stock.isST, tradeDate: days[d],
            tradingDaysSinceListing: listed.map { d - $0 })
    }
}

private enum Fixtures {
    /// 300 stocks over three years.
    static let main = snapshot(
        SampleMarketConfiguration(stocks: 300, start: date(20150105), end: date(20171229), seed: 7))
    /// More stocks than index places, over a year with two index rebalances.
    static let smallConfiguration = SampleMarketConfiguration(
        stocks: 400, start: date(20230601), end: date(20240628), seed: 2024)
    static let small = snapshot(smallConfiguration)

    /// A literal date known to be valid.
    static func date(_ value: Int) -> TradeDate { TradeDate(unchecked: Int32(value)) }

    static func snapshot(_ configuration: SampleMarketConfiguration) -> SampleSnapshot {
        do {
            return SampleSnapshot(try SampleMarket(configuration))
        } catch {
            preconditionFailure("sample market fixture failed: \(error)")
        }
    }
}

/// Collects failed row-level checks so a test makes one `#expect` per property instead of one
/// per row (per-row expectations are slow in debug builds).
private struct Violations: CustomStringConvertible {
    var count = 0
    var examples: [String] = []

    mutating func check(_ ok: Bool, _ message: @autoclosure () -> String) {
        guard !ok else { return }
        count += 1
        if examples.count < 5 { examples.append(message()) }
    }

    var description: String { "\(count) violations, e.g. \(examples)" }
}

private func isWholeFen(_ price: Double) -> Bool {
    abs(price * 100 - (price * 100).rounded()) < 1e-6
}

private func relativeDifference(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), 1e-300)
}

@Suite("Sample market")
struct SampleMarketTests {
    // MARK: Configuration and calendar

    @Test("bad configurations are rejected with the documented errors")
    func rejectsBadConfigurations() throws {
        func failure(_ c: SampleMarketConfiguration) -> StockSchoolError? {
            do throws(StockSchoolError) {
                _ = try SampleMarket(c)
                return nil
            } catch {
                return error
            }
        }
        let start = Fixtures.date(20240102)
        let end = Fixtures.date(20240131)
        guard case .invalidArgument(let name, _) = failure(.init(stocks: 0, start: start, end: end)) else {
            Issue.record("stocks 0 accepted")
            return
        }
        #expect(name == "stocks")
        #expect(failure(.init(stocks: 10, start: end, end: start)) == .invalidDateRange(start: end, end: start))
        // A weekend, and National Day week: no open day.
        if case .invalidArgument = failure(
            .init(stocks: 10, start: Fixtures.date(20240106), end: Fixtures.date(20240107)))
        {
        } else {
            Issue.record("a weekend-only range was accepted")
        }
        if case .invalidArgument = failure(
            .init(stocks: 10, start: Fixtures.date(20241001), end: Fixtures.date(20241007)))
        {
        } else {
            Issue.record("a holiday-only range was accepted")
        }
        #expect(failure(.init(stocks: 1, start: start, end: start)) == nil)
    }

    @Test("the calendar has no weekends or holidays and about 242 open days in 2024")
    func calendar2024() throws {
        let market = try SampleMarket(
            SampleMarketConfiguration(stocks: 1, start: Fixtures.date(20240101), end: Fixtures.date(20241231)))
        let open = market.calendar.openDays
        #expect(open.count >= 240 && open.count <= 245)
        #expect(open.allSatisfy { !$0.isWeekend })
        // 2024: lunar New Year Feb 10 (Eve Feb 9), Dragon Boat Jun 10, Mid-Autumn Sep 17 (Tue, so
        // Mon Sep 16 bridges), Qingming Apr 4 (Thu, so Fri Apr 5 bridges).
        let closed = [
            20240101, 20240209, 20240212, 20240213, 20240214, 20240215, 20240404, 20240405,
            20240501, 20240502, 20240503, 20240610, 20240916, 20240917, 20241001, 20241002,
            20241003, 20241004, 20241007,
        ]
        for day in closed { #expect(!market.calendar.isOpen(Fixtures.date(day)), "\(day) should be closed") }
        for day in [20240102, 20240208, 20240219, 20240403, 20240506, 20240611, 20240918, 20241008, 20241231] {
            #expect(market.calendar.isOpen(Fixtures.date(day)), "\(day) should be open")
        }

        let cal = market.tradeCal()
        #expect(cal.count == 366)
        #expect(cal.allSatisfy { $0.exchange == "SSE" })
        #expect(cal.filter(\.isOpen).map(\.calDate) == open)
        var previous: TradeDate?
        for row in cal {
            if let previous { #expect(row.pretradeDate == previous) }
            if row.isOpen { previous = row.calDate }
        }
        // 2023-12-29 was the last weekday of 2023 and no holiday.
        #expect(cal.first?.pretradeDate == Fixtures.date(20231229))
    }

    @Test("Spring Festival closes the exchange from lunar New Year's Eve for seven days")
    func springFestival() throws {
        // Lunar New Year's days, independently known.
        let newYears = [20050209, 20100214, 20150219, 20200125, 20250129, 20300203, 20400212]
        for value in newYears {
            let day = Fixtures.date(value)
            let market = try SampleMarket(
                SampleMarketConfiguration(stocks: 1, start: day.addingDays(-20), end: day.addingDays(20)))
            for offset in -1...5 {
                #expect(!market.calendar.isOpen(day.addingDays(offset)), "\(day.addingDays(offset)) should be closed")
            }
            for offset in [-12, -10, 8, 10, 12] where !day.addingDays(offset).isWeekend {
                #expect(market.calendar.isOpen(day.addingDays(offset)), "\(day.addingDays(offset)) should be open")
            }
        }
    }

    @Test("the calendar works at both ends of the supported range")
    func extremeRanges() throws {
        for (start, end) in [(19900101, 19901231), (21990101, 21991231)] {
            let market = try SampleMarket(
                SampleMarketConfiguration(stocks: 20, start: Fixtures.date(start), end: Fixtures.date(end)))
            #expect(market.calendar.count >= 235 && market.calendar.count <= 250)
            #expect(!market.calendar.isOpen(Fixtures.date(start)))  // New Year's Day
            #expect(!market.daily(on: market.calendar.first!).isEmpty)
            for stock in market.stockBasic {
                if let listDate = stock.listDate { #expect(listDate >= TradeDate.earliest) }
            }
        }
    }

    // MARK: Universe

    @Test("stock_basic covers the boards, ST names, IPOs and delistings")
    func stockBasic() throws {
        let snapshot = Fixtures.main
        let stocks = snapshot.market.stockBasic
        #expect(stocks.count == 300)
        #expect(stocks.map(\.tsCode) == stocks.map(\.tsCode).sorted())
        #expect(Set(stocks.map(\.tsCode)).count == stocks.count)
        let industries: Set<String> = [
            "农林牧渔", "采掘", "化工", "钢铁", "有色金属", "电子", "家用电器", "食品饮料", "纺织服装", "轻工制造",
            "医药生物", "公用事业", "交通运输", "房地产", "商业贸易", "休闲服务", "综合", "建筑材料", "建筑装饰",
            "电气设备", "国防军工", "计算机", "传媒", "通信", "银行", "非银金融", "汽车", "机械设备",
        ]
        var boards: [String: Int] = [:]
        for stock in stocks {
            let board = try #require(stock.tsCode.board)
            #expect(stock.market == board.tushareMarket)
            #expect(stock.exchange == stock.tsCode.exchange.tushareName)
            #expect(stock.symbol == stock.tsCode.symbol)
            #expect(stock.currType == "CNY")
            #expect(["N", "H", "S"].contains(stock.isHs ?? ""))
            #expect(industries.contains(stock.industry ?? ""))
            #expect(stock.area?.isEmpty == false)
            #expect(stock.fullname?.hasSuffix("股份有限公司") == true)
            #expect(stock.cnspell?.isEmpty == false)
            #expect(stock.name.unicodeScalars.contains { $0.value > 0x4E00 })
            if stock.isST { #expect(stock.name.hasPrefix("ST") || stock.name.hasPrefix("*ST")) }
            let prefix = String(stock.tsCode.symbol.prefix(3))
            switch board {
            case .main:
                boards[stock.tsCode.exchange == .SH ? "sh" : "sz", default: 0] += 1
                #expect(["600", "601", "603", "605", "000", "001", "002", "003"].contains(prefix))
            case .chiNext: boards["chinext", default: 0] += 1
            case .star: boards["star", default: 0] += 1
            case .bse:
                boards["bse", default: 0] += 1
                #expect(prefix.hasPrefix("83") || prefix.hasPrefix("87"))
            }
            #expect(stock.listStatus == (stock.delistDate == nil ? .L : .D))
            if stock.listStatus == .D {
                #expect(stock.name.hasPrefix("*ST"))
                #expect(snapshot.market.calendar.isOpen(stock.delistDate!))
            }
        }
        #expect(boards["sh"]! >= 110 && boards["sh"]! <= 130)
        #expect(boards["sz"]! >= 75 && boards["sz"]! <= 93)
        #expect(boards["chinext"]! >= 45 && boards["chinext"]! <= 63)
        #expect(boards["star"]! >= 20 && boards["star"]! <= 34)
        #expect(boards["bse"]! >= 10 && boards["bse"]! <= 20)
        let first = snapshot.days[0]
        let ipos = stocks.filter { $0.listDate! > first }
        let delisted = stocks.filter { $0.listStatus == .D }
        let st = stocks.filter { $0.isST && $0.listStatus == .L }
        #expect(ipos.count >= 20 && ipos.count <= 40)
        #expect(delisted.count >= 5 && delisted.count <= 10)
        #expect(st.count >= 8 && st.count <= 16)
        #expect(Set(stocks.map(\.name)).count == stocks.count)
    }

    // MARK: Daily bars

    @Test("bars are ordered, priced in fen, inside the limit band, and consistent")
    func barInvariants() throws {
        for snapshot in [Fixtures.main, Fixtures.small] {
            var limitUp = 0
            var limitDown = 0
            var rows = 0
            var v = Violations()
            for (d, bars) in snapshot.daily.enumerated() {
                v.check(bars.map(\.tsCode) == bars.map(\.tsCode).sorted(), "day \(d) not sorted")
                for bar in bars {
                    rows += 1
                    guard let pre = bar.preClose, let change = bar.change, let pct = bar.pctChg,
                        let vol = bar.vol, let vwap = bar.vwap
                    else {
                        v.check(false, "missing field \(bar)")
                        continue
                    }
                    v.check(bar.tradeDate == snapshot.days[d], "date \(bar)")
                    v.check(bar.low <= min(bar.open, bar.close) && max(bar.open, bar.close) <= bar.high, "order \(bar)")
                    v.check(bar.low >= 1.0 && pre >= 1.0, "below 1 CNY \(bar)")
                    v.check([bar.open, bar.high, bar.low, bar.close, pre].allSatisfy(isWholeFen), "fen \(bar)")
                    let limit = snapshot.limit(for: bar.tsCode, day: d)
                    if let up = limit.limitUp(preClose: pre), let down = limit.limitDown(preClose: pre) {
                        for price in [bar.open, bar.high, bar.low, bar.close] {
                            v.check(limit.allows(price: price, preClose: pre), "outside band \(bar)")
                        }
                        if abs(bar.close - up) < 1e-9 { limitUp += 1 }
                        if abs(bar.close - down) < 1e-9 { limitDown += 1 }
                    }
                    v.check(abs(change - (bar.close - pre)) < 1e-9 && isWholeFen(change), "change \(bar)")
                    v.check(abs(pct - change / pre * 100) <= 0.00005 + 1e-12, "pct_chg \(bar)")
                    v.check(vol > 0 && vol == vol.rounded(), "vol \(bar)")
                    v.check(vwap > bar.low && vwap < bar.high, "vwap \(vwap) \(bar)")
                }
            }
            #expect(v.count == 0, "\(v)")
            // "A few per thousand" stock-days close at each limit.
            #expect(limitUp > 0 && limitDown > 0)
            #expect(Double(limitUp) / Double(rows) > 0.001 && Double(limitUp) / Double(rows) < 0.02)
            #expect(Double(limitDown) / Double(rows) > 0.001 && Double(limitDown) / Double(rows) < 0.02)
        }
    }

    @Test("pre_close follows the previous close and the adjustment factor")
    func adjustment() throws {
        var exDates = 0
        var bonusIssues = 0
        var v = Violations()
        for snapshot in [Fixtures.main, Fixtures.small] {
            for (code, history) in snapshot.histories {
                var previous: SampleSnapshot.Day?
                var previousAdj: Double?
                for day in history {
                    v.check(day.adj > 0, "adj \(code) \(day.day)")
                    if let previousAdj, day.bar == nil {
                        v.check(day.adj == previousAdj, "adj moved on a suspended day \(code) \(day.day)")
                    }
                    if let bar = day.bar {
                        if let previous, let last = previous.bar {
                            let expected = last.close * previous.adj / day.adj
                            v.check(relativeDifference(bar.preClose!, expected) < 1e-9, "pre_close \(bar)")
                            if day.adj != previous.adj {
                                exDates += 1
                                if let before = previous.basic?.totalShare, let after = day.basic?.totalShare,
                                    after > before * 1.01
                                {
                                    bonusIssues += 1
                                }
                            } else {
                                v.check(bar.preClose == last.close, "pre_close without ex-date \(bar)")
                            }
                        }
                        previous = day
                    }
                    previousAdj = day.adj
                }
            }
        }
        #expect(v.count == 0, "\(v)")
        #expect(exDates > 100)
        #expect(bonusIssues > 5)
    }

    @Test("suspensions, listings and delistings show in the rows")
    func listingLifecycle() throws {
        for snapshot in [Fixtures.main, Fixtures.small] {
            var v = Violations()
            var suspended = 0
            var spells: [Int] = []
            for d in snapshot.days.indices {
                let listed = Set(snapshot.adj[d].map(\.tsCode))
                let traded = Set(snapshot.daily[d].map(\.tsCode))
                v.check(traded.isSubset(of: listed), "bar without adj_factor on day \(d)")
                v.check(Set(snapshot.basic[d].map(\.tsCode)) == traded, "daily_basic rows differ on day \(d)")
                suspended += listed.count - traded.count
            }
            let first = snapshot.days[0]
            var firstDayMoves: [Double] = []
            for stock in snapshot.market.stockBasic {
                let history = snapshot.histories[stock.tsCode] ?? []
                guard let listDate = stock.listDate, let firstRow = history.first, let lastRow = history.last else {
                    v.check(false, "no rows or list date for \(stock.tsCode)")
                    continue
                }
                if listDate >= first {
                    // Listed in the range: nothing before list_date, a bar on it.
                    v.check(snapshot.days[firstRow.day] == listDate, "first row of \(stock.tsCode)")
                    if let bar = firstRow.bar {
                        firstDayMoves.append(bar.pctChg!)
                    } else {
                        v.check(false, "no bar on list date")
                    }
                } else {
                    v.check(firstRow.day == 0, "\(stock.tsCode) listed before the range misses day 0")
                }
                if let delist = stock.delistDate {
                    // adj_factor rows (and so bars) stop the day before delist_date.
                    v.check(snapshot.days[lastRow.day] < delist, "row on or after delisting \(stock.tsCode)")
                    v.check(snapshot.market.calendar.next(snapshot.days[lastRow.day]) == delist, "gap before delisting")
                } else {
                    v.check(lastRow.day == snapshot.days.count - 1, "\(stock.tsCode) stops early")
                }
                v.check(zip(history, history.dropFirst()).allSatisfy { $1.day == $0.day + 1 }, "gap in adj rows")
                var run = 0
                for day in history {
                    if day.bar == nil {
                        run += 1
                    } else if run > 0 {
                        spells.append(run)
                        run = 0
                    }
                }
            }
            #expect(v.count == 0, "\(v)")
            #expect(suspended > 0)
            #expect(!spells.isEmpty && spells.allSatisfy { $0 >= 1 && $0 <= 20 })
            // IPOs jump on their first, unlimited day.
            if !firstDayMoves.isEmpty {
                #expect(firstDayMoves.reduce(0, +) / Double(firstDayMoves.count) > 20)
            }
        }
    }

    // MARK: daily_basic

    @Test("daily_basic agrees with prices, shares and volume")
    func dailyBasic() throws {
        var loss = 0
        var profit = 0
        var dividends = 0
        var v = Violations()
        for snapshot in [Fixtures.main, Fixtures.small] {
            for (code, history) in snapshot.histories {
                var volumes: [Double] = []
                for day in history {
                    guard let bar = day.bar, let vol = bar.vol else { continue }
                    guard let row = day.basic, let total = row.totalShare, let float = row.floatShare,
                        let free = row.freeShare, let totalMv = row.totalMv, let circMv = row.circMv,
                        let turnover = row.turnoverRate, let turnoverF = row.turnoverRateF,
                        let pb = row.pb, let ps = row.ps, let psTtm = row.psTtm
                    else {
                        v.check(false, "missing daily_basic field \(code) \(bar.tradeDate)")
                        continue
                    }
                    v.check(row.close == bar.close, "close \(row)")
                    v.check(free > 0 && free <= float + 1e-9 && float <= total + 1e-9, "shares \(row)")
                    v.check(relativeDifference(totalMv, bar.close * total) < 1e-9, "total_mv \(row)")
                    v.check(relativeDifference(circMv, bar.close * float) < 1e-9, "circ_mv \(row)")
                    v.check(relativeDifference(turnover, vol * 100 / (float * 10_000) * 100) < 1e-9, "turnover \(row)")
                    v.check(
                        relativeDifference(turnoverF, vol * 100 / (free * 10_000) * 100) < 1e-9, "turnover_f \(row)")
                    let recent = volumes.suffix(5)
                    if recent.isEmpty {
                        v.check(row.volumeRatio == nil, "volume_ratio without history \(row)")
                    } else if let ratio = row.volumeRatio {
                        let expected = vol / (recent.reduce(0, +) / Double(recent.count))
                        v.check(relativeDifference(ratio, expected) < 1e-9, "volume_ratio \(row)")
                    } else {
                        v.check(false, "volume_ratio missing \(row)")
                    }
                    volumes.append(vol)
                    if let pe = row.pe {
                        v.check(pe > 0, "pe \(row)")
                        profit += 1
                    } else {
                        loss += 1
                    }
                    if let peTtm = row.peTtm { v.check(peTtm > 0, "pe_ttm \(row)") }
                    v.check(pb > 0 && ps > 0 && psTtm > 0, "valuation \(row)")
                    if let dv = row.dvRatio {
                        v.check(dv > 0 && dv < 30, "dv_ratio \(row)")
                        dividends += 1
                    }
                    if let dv = row.dvTtm { v.check(dv > 0 && dv < 30, "dv_ttm \(row)") }
                }
            }
        }
        #expect(v.count == 0, "\(v)")
        #expect(profit > loss * 3)
        #expect(loss > 0)
        #expect(dividends > profit / 4)
    }

    // MARK: Index

    @Test("000300.SH is the circ_mv-weighted chain of its 300 largest non-ST constituents")
    func index() throws {
        for snapshot in [Fixtures.main, Fixtures.small] {
            let market = snapshot.market
            let bars = market.indexDaily(start: snapshot.days.first!, end: snapshot.days.last!).map(\.bar)
            #expect(bars.map(\.tradeDate) == snapshot.days)
            #expect(bars.first?.preClose == 3500)
            #expect(bars.allSatisfy { $0.tsCode == SampleMarket.indexCode })
            // Rebalance days: the first, then the first open day after the second Friday of
            // every June and December.
            var rebalance: Set<Int> = [0]
            for year in snapshot.days.first!.year...snapshot.days.last!.year {
                for month in [6, 12] {
                    var friday = try TradeDate(year: year, month: month, day: 8)
                    while friday.weekday != 5 { friday = friday.addingDays(1) }
                    if let next = market.calendar.next(friday), let d = market.calendar.index(of: next), d > 0 {
                        rebalance.insert(d)
                    }
                }
            }
            var members: [TSCode] = []
            var lastClose: [TSCode: Double] = [:]
            var lastFloat: [TSCode: Double] = [:]
            let published = Dictionary(
                grouping: market.indexWeight(start: snapshot.days.first!, end: snapshot.days.last!), by: \.tradeDate)
            for (d, bar) in bars.enumerated() {
                if d > 0 { #expect(bar.preClose == bars[d - 1].close) }
                #expect(bar.low <= min(bar.open, bar.close) && max(bar.open, bar.close) <= bar.high)
                let daily = Dictionary(uniqueKeysWithValues: snapshot.daily[d].map { ($0.tsCode, $0) })
                let basic = Dictionary(uniqueKeysWithValues: snapshot.basic[d].map { ($0.tsCode, $0) })
                let listed = Set(snapshot.adj[d].map(\.tsCode))
                if rebalance.contains(d) {
                    var ranked: [(cap: Double, code: TSCode)] = []
                    for code in listed where !snapshot.info[code]!.isST {
                        if d == 0 {
                            guard let row = daily[code] else { continue }
                            ranked.append((basic[code]!.floatShare! * row.preClose!, code))
                        } else if let close = lastClose[code] {
                            ranked.append((lastFloat[code]! * close, code))
                        }
                    }
                    ranked.sort { $0.cap != $1.cap ? $0.cap > $1.cap : $0.code < $1.code }
                    members = ranked.prefix(300).map(\.code).sorted()
                }
                // index_weight publishes exactly the members the level is computed from.
                if let rows = published[snapshot.days[d]] {
                    #expect(Set(rows.map(\.conCode)) == Set(members.filter(listed.contains)), "day \(d)")
                }
                var weights = 0.0
                var sums = (open: 0.0, high: 0.0, low: 0.0, close: 0.0)
                var vol = 0.0
                for code in members {
                    if let row = daily[code] {
                        let pre = row.preClose!
                        let w = basic[code]!.floatShare! * pre
                        weights += w
                        sums.open += w * row.open / pre
                        sums.high += w * row.high / pre
                        sums.low += w * row.low / pre
                        sums.close += w * row.close / pre
                        vol += row.vol!
                    } else if listed.contains(code) {
                        let w = lastFloat[code]! * lastClose[code]!
                        weights += w
                        sums.open += w
                        sums.high += w
                        sums.low += w
                        sums.close += w
                    }
                }
                let pre = bar.preClose!
                #expect(weights > 0)
                #expect(abs(bar.open - pre * sums.open / weights) < 2e-4)
                #expect(abs(bar.high - pre * sums.high / weights) < 2e-4)
                #expect(abs(bar.low - pre * sums.low / weights) < 2e-4)
                #expect(abs(bar.close - pre * sums.close / weights) < 2e-4, "day \(d)")
                #expect(bar.vol == vol)
                for (code, row) in daily {
                    lastClose[code] = row.close
                    lastFloat[code] = basic[code]!.floatShare!
                }
            }
            #expect(bars.map(\.close).allSatisfy { $0 > 500 && $0 < 20_000 })
        }
    }

    @Test("index_weight: a snapshot on the first day and every month end, of at most 300 listed non-ST members")
    func indexWeight() throws {
        let snapshot = Fixtures.small
        let market = snapshot.market
        let rows = market.indexWeight(start: snapshot.days.first!, end: snapshot.days.last!)
        let byDate = Dictionary(grouping: rows, by: \.tradeDate)
        // The first open day, then the last open day of every month that ends in the range
        // (June 2024 does not: the range stops on the 28th).
        let monthEnds = snapshot.days.indices.dropLast().filter {
            snapshot.days[$0 + 1].month != snapshot.days[$0].month
        }
        #expect(byDate.keys.sorted() == [snapshot.days[0]] + monthEnds.map { snapshot.days[$0] })
        var previous: Set<TSCode>?
        var changes = 0
        for (date, members) in byDate.sorted(by: { $0.key < $1.key }) {
            let d = try #require(market.calendar.index(of: date))
            let listed = Set(snapshot.adj[d].map(\.tsCode))
            let codes = Set(members.map(\.conCode))
            #expect(codes.count == members.count)
            #expect(codes.count <= 300 && codes.count > 250, "\(date): \(codes.count) members")
            #expect(codes.isSubset(of: listed), "\(date)")
            #expect(codes.allSatisfy { !snapshot.info[$0]!.isST }, "\(date)")
            #expect(members.allSatisfy { $0.indexCode == SampleMarket.indexCode })
            #expect(members.allSatisfy { ($0.weight ?? 0) > 0 })
            #expect(abs(members.compactMap(\.weight).reduce(0, +) - 100) < 0.01)
            if let previous, previous != codes { changes += 1 }
            previous = codes
        }
        // The December and June rebalances (and any delisting) change the membership.
        #expect(changes >= 1)
        // A range selects whole snapshots.
        let december = market.indexWeight(start: date(20231201), end: date(20231231))
        #expect(Set(december.map(\.tradeDate)) == [date(20231229)])
        #expect(market.indexWeight(start: date(20250101), end: date(20251231)).isEmpty)
    }

    private func date(_ value: Int) -> TradeDate { Fixtures.date(value) }

    // MARK: Determinism

    @Test("the same configuration gives the same data on any thread count; another seed does not")
    func determinism() throws {
        let configuration = Fixtures.smallConfiguration
        let parallel = Fixtures.small.market
        let again = try SampleMarket(configuration)
        let sequential = try SampleMarket(configuration, parallel: false)
        #expect(again.stockBasic == parallel.stockBasic)
        #expect(sequential.stockBasic == parallel.stockBasic)
        #expect(sequential.tradeCal() == parallel.tradeCal())
        for date in parallel.calendar.openDays {
            let expected = parallel.daily(on: date)
            #expect(again.daily(on: date) == expected)
            #expect(sequential.daily(on: date) == expected)
            #expect(sequential.adjFactor(on: date) == parallel.adjFactor(on: date))
            #expect(sequential.dailyBasic(on: date) == parallel.dailyBasic(on: date))
        }
        let range = (parallel.calendar.first!, parallel.calendar.last!)
        #expect(
            sequential.indexDaily(start: range.0, end: range.1) == parallel.indexDaily(start: range.0, end: range.1))

        var other = configuration
        other.seed += 1
        let different = try SampleMarket(other)
        for date in parallel.calendar.openDays.enumerated().filter({ $0.offset % 50 == 0 }).map(\.element) {
            #expect(different.daily(on: date) != parallel.daily(on: date))
        }
    }

    @Test("accessors are empty off the calendar and row counts add up")
    func accessors() throws {
        let market = Fixtures.main.market
        #expect(market.daily(on: Fixtures.date(20150103)).isEmpty)  // Saturday
        #expect(market.daily(on: Fixtures.date(20151001)).isEmpty)  // National Day
        #expect(market.daily(on: Fixtures.date(20200102)).isEmpty)  // after the range
        #expect(market.adjFactor(on: Fixtures.date(20150101)).isEmpty)
        #expect(market.dailyBasic(on: Fixtures.date(20150101)).isEmpty)
        #expect(market.indexDaily(start: Fixtures.date(20200101), end: Fixtures.date(20201231)).isEmpty)
        #expect(market.indexDaily(start: Fixtures.date(20150105), end: Fixtures.date(20150109)).count == 5)
        let counts = market.rowCounts
        #expect(counts.daily == Fixtures.main.daily.map(\.count).reduce(0, +))
        #expect(counts.adjFactor == Fixtures.main.adj.map(\.count).reduce(0, +))
        #expect(counts.dailyBasic == Fixtures.main.basic.map(\.count).reduce(0, +))
        #expect(
            market.tradeCal().count == Fixtures.date(20171229).daysSinceEpoch - Fixtures.date(20150105).daysSinceEpoch
                + 1)
    }

    // MARK: Planted premia

    /// Daily log returns by stock, keyed by day index.
    private static func logReturns(_ snapshot: SampleSnapshot) -> [TSCode: [Int: Double]] {
        var result: [TSCode: [Int: Double]] = [:]
        for (d, bars) in snapshot.daily.enumerated() {
            for bar in bars {
                if let pre = bar.preClose { result[bar.tsCode, default: [:]][d] = log(bar.close / pre) }
            }
        }
        return result
    }

    @Test("short-term reversal: -(5-day return) predicts the next day's return")
    func reversal() throws {
        let snapshot = Fixtures.main
        let returns = Self.logReturns(snapshot)
        var correlations: [Double] = []
        for t in 4..<(snapshot.days.count - 1) {
            var xs: [Double] = []
            var ys: [Double] = []
            for (_, series) in returns {
                guard let next = series[t + 1] else { continue }
                var past = 0.0
                var complete = true
                for k in (t - 4)...t {
                    guard let r = series[k] else {
                        complete = false
                        break
                    }
                    past += r
                }
                if complete {
                    xs.append(-past)
                    ys.append(next)
                }
            }
            guard xs.count >= 30 else { continue }
            let mx = xs.reduce(0, +) / Double(xs.count)
            let my = ys.reduce(0, +) / Double(ys.count)
            var sxy = 0.0
            var sxx = 0.0
            var syy = 0.0
            for i in xs.indices {
                sxy += (xs[i] - mx) * (ys[i] - my)
                sxx += (xs[i] - mx) * (xs[i] - mx)
                syy += (ys[i] - my) * (ys[i] - my)
            }
            correlations.append(sxy / (sxx * syy).squareRoot())
        }
        let n = Double(correlations.count)
        let mean = correlations.reduce(0, +) / n
        let sd = (correlations.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let t = mean / (sd / n.squareRoot())
        #expect(correlations.count > 600)
        #expect(mean > 0)
        #expect(t > 3, "t = \(t)")
    }

    @Test("low-volatility effect: low-σ stocks out-earn high-σ stocks")
    func lowVolatility() throws {
        let snapshot = Fixtures.main
        var simple: [TSCode: [Double]] = [:]
        for bars in snapshot.daily {
            for bar in bars { simple[bar.tsCode, default: []].append(bar.close / bar.preClose! - 1) }
        }
        var stocks: [(volatility: Double, mean: Double)] = []
        for (_, returns) in simple where returns.count >= 250 {
            let r = returns.dropFirst(5)  // skip an IPO's unlimited first days
            let mean = r.reduce(0, +) / Double(r.count)
            let variance = r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(r.count - 1)
            stocks.append((variance.squareRoot(), mean))
        }
        stocks.sort { $0.volatility < $1.volatility }
        let half = stocks.count / 2
        let low = stocks[..<half].map(\.mean).reduce(0, +) / Double(half)
        let high = stocks[half...].map(\.mean).reduce(0, +) / Double(stocks.count - half)
        #expect(stocks.count > 250)
        #expect(low > high, "low-σ half \(low), high-σ half \(high)")
    }
}
