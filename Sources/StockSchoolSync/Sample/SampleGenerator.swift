import Dispatch
import Foundation
import StockSchoolCore

// MARK: - Generated data

/// A stock's fixed attributes, chosen by the sequential universe pass.
struct SampleStockProfile: Sendable {
    let code: TSCode
    let board: Board
    let isST: Bool
    let industry: Int
    /// Listed before the range starts: every in-range day has its board's normal limit.
    let listedBeforeRange: Bool
    /// The first listed day (0 when listed before the range).
    let listIndex: Int
    /// The first day no longer listed (`dayCount` when not delisted in the range).
    let endIndex: Int
    /// The close before day 0 (listed before the range) or the IPO issue price, in fen.
    let initialPriceFen: Int32
    /// Shares at the start (or listing), 万股.
    let totalShares: Double
    let floatShares: Double
    let freeShares: Double
    /// After an IPO's lock-up ends: float as a fraction of total, free as a fraction of float.
    let finalFloatFraction: Double
    let finalFreeFraction: Double
    let initialAdj: Double
}

/// Share counts (万股) from `day` on.
struct SampleShareState: Sendable {
    let day: Int32
    let total: Double
    let float: Double
    let free: Double
}

/// A cash dividend paid on the ex-date `day`: `cash` in 万元 (dps × shares before any bonus).
struct SampleDividend: Sendable {
    let day: Int32
    let epochDay: Int32
    let cash: Double
}

/// A stock's sparse, event-shaped history: share changes, dividends and yearly fundamentals
/// (company totals in 万元, indexed by fiscal year − `SampleReportSchedule.firstFiscalYear`).
struct SampleStockEvents: Sendable {
    var shares: [SampleShareState]
    var dividends: [SampleDividend]
    var revenue: [Double]
    var netIncome: [Double]
    var equity: [Double]
    var tradedDays = 0
    var listedDays = 0

    /// The share counts in force on `day` (the last change on or before it).
    func shares(on day: Int) -> SampleShareState {
        var result = shares[0]
        for state in shares.dropFirst() {
            if Int(state.day) <= day { result = state } else { break }
        }
        return result
    }
}

/// Which fundamentals are public from `dayIndex` on: the annual figures of fiscal year `annual`,
/// and trailing-twelve-month figures `(1 - w) × FY[ttmOld] + w × FY[ttmOld + 1]`.
struct SampleReportPoint: Sendable {
    let dayIndex: Int
    let annual: Int
    let ttmOld: Int
    let ttmWeightNew: Double
}

/// Report dates shared by all stocks: April 30 (annual report of the previous year and Q1),
/// August 31 (H1) and October 31 (Q3), each effective from the first open day on or after it.
struct SampleReportSchedule: Sendable {
    let firstFiscalYear: Int
    let fiscalYears: Int
    let points: [SampleReportPoint]
    /// For each open day, the index in `points` in force.
    let pointByDay: [Int32]
}

/// The 000300.SH series, one value per open day, and the constituents it was computed from.
struct SampleIndexSeries: Sendable {
    /// One entry per rebalance, in day order: the day it took effect and the members chosen
    /// (stock positions, sorted). A member delisted later stops counting from its delisting.
    var constituents: [(day: Int, stocks: [Int])] = []
    var open: [Double]
    var high: [Double]
    var low: [Double]
    var close: [Double]
    var preClose: [Double]
    var vol: [Double]
    var amount: [Double]
}

/// Read-only inputs shared by all stock workers.
struct SampleContext: Sendable {
    let days: [TradeDate]
    let epochDays: [Int]
    let dayCount: Int
    /// Market factor log return per day.
    let market: [Double]
    /// Industry factor log returns, `industry * dayCount + day`.
    let industry: [Double]
    let reports: SampleReportSchedule
    let seed: UInt64
}

// MARK: - Generator

enum SampleGenerator {
    struct Built {
        let stockBasic: [StockBasic]
        let profiles: [SampleStockProfile]
        let events: [SampleStockEvents]
        let columns: SampleColumns
        let reports: SampleReportSchedule
        let index: SampleIndexSeries
        let dailyRows: Int
        let listedRows: Int
    }

    /// Stream tags keep the universe, factor and per-stock random streams apart.
    static let universeStream: UInt64 = 0xA000_0000_0000_0000
    static let marketStream: UInt64 = 0xB000_0000_0000_0000
    static let industryStream: UInt64 = 0xC000_0000_0000_0000
    static let stockStream: UInt64 = 0x1000_0000_0000_0000

    static func round(_ x: Double, places: Int) -> Double {
        let scale: Double = places == 2 ? 100 : places == 3 ? 1000 : places == 4 ? 10_000 : 1
        return (x * scale).rounded() / scale
    }

    /// A price in CNY rounded half-up to the fen, as integer fen: exactly the integer that
    /// `PriceLimit.roundToFen` produces (`roundToFen(x) == Double(fen(x)) / 100`), computed inline
    /// because this is the generator's hottest call.
    @inline(__always)
    static func fen(_ price: Double) -> Int32 {
        let capped = Swift.min(price, 10_000_000)
        return Int32((capped * 100 + 0.5 + 1e-7).rounded(.down))
    }

    /// First index in the sorted `values` that is ≥ `x`.
    static func lowerBound(_ values: [Int], _ x: Int) -> Int { values.lowerBound(of: x) }

    static func build(
        configuration c: SampleMarketConfiguration, calendar: TradingCalendar, parallel: Bool
    ) -> Built {
        let days = calendar.openDays
        let dayCount = days.count
        let epochDays = days.map(\.daysSinceEpoch)
        let universe = makeUniverse(configuration: c, days: days)
        let n = universe.profiles.count
        let reports = makeReports(days: days, epochDays: epochDays)
        let context = SampleContext(
            days: days, epochDays: epochDays, dayCount: dayCount,
            market: makeMarketFactor(seed: c.seed, dayCount: dayCount),
            industry: makeIndustryFactors(seed: c.seed, dayCount: dayCount),
            reports: reports, seed: c.seed)
        let columns = SampleColumns(count: n * dayCount)
        let profiles = universe.profiles
        let events = [SampleStockEvents](unsafeUninitializedCapacity: n) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }  // n ≥ 1, so never taken
            let slots = SampleSlots(base: base)
            if parallel {
                DispatchQueue.concurrentPerform(iterations: n) { s in
                    slots.initialize(
                        s, to: simulate(stock: s, profile: profiles[s], context: context, columns: columns))
                }
            } else {
                for s in 0..<n {
                    slots.initialize(
                        s, to: simulate(stock: s, profile: profiles[s], context: context, columns: columns))
                }
            }
            initialized = n
        }
        let index = makeIndex(profiles: profiles, events: events, columns: columns, days: days)
        return Built(
            stockBasic: universe.stockBasic, profiles: profiles, events: events, columns: columns,
            reports: reports, index: index,
            dailyRows: events.reduce(0) { $0 + $1.tradedDays },
            listedRows: events.reduce(0) { $0 + $1.listedDays })
    }

    // MARK: Universe

    /// Board shares of the universe, and the code ranges each board draws from (in order of use).
    struct BoardPlan {
        let board: Board
        let exchange: Exchange
        let share: Double
        let ranges: [Range<Int>]
        /// The date the board's first stocks listed (earlier draws fall back, see README).
        let launch: Int32
        let capMultiplier: Double
        let turnoverMultiplier: Double
    }

    static let boardPlans: [BoardPlan] = [
        BoardPlan(
            board: .main, exchange: .SH, share: 0.40,
            ranges: [600_000..<601_000, 601_000..<602_000, 603_000..<604_000, 605_000..<606_000],
            launch: 1990_12_19, capMultiplier: 1.1, turnoverMultiplier: 1.0),
        BoardPlan(
            board: .main, exchange: .SZ, share: 0.28,
            ranges: [1..<1000, 2001..<3000, 1001..<2000, 3001..<4000],
            launch: 1991_04_03, capMultiplier: 0.9, turnoverMultiplier: 1.1),
        BoardPlan(
            board: .chiNext, exchange: .SZ, share: 0.18,
            ranges: [300_001..<301_000, 301_001..<302_000, 302_001..<303_000],
            launch: 2009_10_30, capMultiplier: 0.8, turnoverMultiplier: 1.8),
        BoardPlan(
            board: .star, exchange: .SH, share: 0.09, ranges: [688_001..<689_000, 689_001..<690_000],
            launch: 2019_07_22, capMultiplier: 1.2, turnoverMultiplier: 1.6),
        BoardPlan(
            board: .bse, exchange: .BJ, share: 0.05, ranges: [830_000..<840_000, 870_000..<880_000],
            launch: 2021_11_15, capMultiplier: 0.25, turnoverMultiplier: 0.7),
    ]

    struct Universe {
        let profiles: [SampleStockProfile]
        let stockBasic: [StockBasic]
    }

    private struct Draft {
        var plan: Int
        var kind: Kind
        var industry = 0
        var area = ""
        var listIndex = 0
        var listDate = TradeDate.earliest
        var baseName = ""
        var baseSpell = ""
        var fullname = ""
        var enname = ""
        var stPrefix = ""
        var capital = 0.0  // 万元
        var price = 0.0
        var floatFraction = 1.0
        var freeFraction = 1.0
        var finalFloat = 1.0
        var finalFree = 1.0
        var adj = 1.0
        var code = 0
        var endIndex = 0

        enum Kind { case normal, ipo, delisted, st }
    }

    static func sixDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: Swift.max(0, 6 - text.count)) + text
    }

    static func makeUniverse(configuration c: SampleMarketConfiguration, days: [TradeDate]) -> Universe {
        var rng = SampleRandom(seed: c.seed, stream: universeStream)
        let n = c.stocks
        let dayCount = days.count

        // Board counts: rounded shares, the remainder on the Shanghai main board.
        var boardCounts = boardPlans.map { Int(($0.share * Double(n)).rounded()) }
        boardCounts[0] = n - boardCounts.dropFirst().reduce(0, +)
        var drafts: [Draft] = []
        drafts.reserveCapacity(n)
        for (plan, count) in boardCounts.enumerated() {
            for _ in 0..<count { drafts.append(Draft(plan: plan, kind: .normal)) }
        }

        // Who lists, delists or carries a risk warning inside the range.
        var order = Array(0..<n)
        rng.shuffle(&order)
        let canChange = dayCount >= 2
        let ipos = canChange ? Int((SampleMarket.ipoFraction * Double(n)).rounded()) : 0
        let delisted = canChange ? Int((SampleMarket.delistedFraction * Double(n)).rounded()) : 0
        let sts = Int((SampleMarket.stFraction * Double(n)).rounded())
        var cursor = 0
        for (kind, count) in [(Draft.Kind.ipo, ipos), (.delisted, delisted), (.st, sts)] {
            for _ in 0..<count where cursor < n {
                drafts[order[cursor]].kind = kind
                cursor += 1
            }
        }

        let industryWeights = SampleNames.industries.map(\.weight)
        let areaWeights = SampleNames.areas.map(\.weight)
        let startEpoch = c.start.daysSinceEpoch
        var usedNames: Set<String> = []
        for j in 0..<n {
            var draft = drafts[j]
            let plan = boardPlans[draft.plan]
            draft.industry = rng.weighted(industryWeights)
            draft.area = SampleNames.areas[rng.weighted(areaWeights)].name
            draft.endIndex = dayCount
            switch draft.kind {
            case .ipo:
                draft.listIndex = rng.int(in: 1...(dayCount - 1))
                draft.listDate = days[draft.listIndex]
            default:
                draft.listDate = preRangeListDate(rng: &rng, launch: plan.launch, startEpoch: startEpoch)
            }
            if draft.kind == .delisted {
                draft.endIndex = rng.int(in: Swift.max(1, dayCount / 5)...(dayCount - 1))
            }
            if draft.kind == .st || draft.kind == .delisted {
                draft.stPrefix = draft.kind == .delisted || rng.chance(0.5) ? "*ST" : "ST"
            }

            // Size and price.
            let industry = SampleNames.industries[draft.industry]
            var capital = rng.logNormal(median: 600_000, sd: 1.0) * industry.capMultiplier * plan.capMultiplier
            if draft.kind == .st || draft.kind == .delisted { capital *= 0.3 }
            if draft.kind == .ipo { capital *= 0.6 }
            draft.capital = Swift.min(Swift.max(capital, 80_000), 300_000_000)
            var price: Double
            if draft.kind == .ipo {
                price = Swift.min(Swift.max(rng.logNormal(median: 18, sd: 0.55), 3), 150)
            } else {
                price = rng.logNormal(median: 12, sd: 0.7)
                if industry.name == "银行" { price *= 0.45 }
                if draft.kind == .st || draft.kind == .delisted { price *= 0.4 }
                price = Swift.min(Swift.max(price, 2), 500)
            }
            draft.price = PriceLimit.roundToFen(price)
            draft.finalFloat = rng.uniform(0.55, 1.0)
            draft.finalFree = rng.uniform(0.35, 0.95)
            if draft.kind == .ipo {
                draft.floatFraction = rng.uniform(0.10, 0.25)
                draft.freeFraction = 1
                draft.adj = 1
            } else {
                draft.floatFraction = draft.finalFloat
                draft.freeFraction = draft.finalFree
                draft.adj = round(exp(rng.uniform(0, 1.8)), places: 4)
            }

            // Name: brand + industry word (a generic word one time in five), unique.
            let suffixes = industry.suffixes + SampleNames.genericSuffixes
            var brand = SampleNames.brands[0]
            var suffix = suffixes[0]
            var found = false
            for _ in 0..<40 {
                brand = SampleNames.brands[rng.below(SampleNames.brands.count)]
                suffix =
                    rng.chance(0.2)
                    ? SampleNames.genericSuffixes[rng.below(SampleNames.genericSuffixes.count)]
                    : industry.suffixes[rng.below(industry.suffixes.count)]
                if !usedNames.contains(brand.hanzi + suffix.hanzi) {
                    found = true
                    break
                }
            }
            if !found {
                search: for b in SampleNames.brands {
                    for s in suffixes where !usedNames.contains(b.hanzi + s.hanzi) {
                        brand = b
                        suffix = s
                        break search
                    }
                }
            }
            draft.baseName = brand.hanzi + suffix.hanzi
            usedNames.insert(draft.baseName)
            draft.baseSpell = brand.initials + suffix.initials
            draft.fullname = "\(draft.area)\(draft.baseName)股份有限公司"
            draft.enname = "\(brand.english) \(suffix.english) Co., Ltd."
            drafts[j] = draft
        }

        // Codes: each board's codes drawn without replacement, handed out in listing order so
        // that later listings carry higher codes, as on the real exchanges.
        for (planIndex, plan) in boardPlans.enumerated() {
            let members = drafts.indices.filter { drafts[$0].plan == planIndex }
            guard !members.isEmpty else { continue }
            var pool: [Int] = []
            for range in plan.ranges {
                pool.append(contentsOf: range)
                if pool.count >= 2 * members.count { break }
            }
            precondition(pool.count >= members.count, "code pool exhausted")
            for k in 0..<members.count {
                pool.swapAt(k, k + rng.below(pool.count - k))
            }
            let codes = pool[0..<members.count].sorted()
            let byListing = members.sorted {
                (drafts[$0].listDate, $0) < (drafts[$1].listDate, $1)
            }
            for (k, j) in byListing.enumerated() { drafts[j].code = codes[k] }
        }

        // Connect eligibility: the larger listed, non-ST Shanghai / Shenzhen names.
        let connectCaps = drafts.filter { $0.kind == .normal && boardPlans[$0.plan].board != .bse }
            .map(\.capital).sorted()
        let connectThreshold = connectCaps.isEmpty ? Double.infinity : connectCaps[connectCaps.count * 55 / 100]

        var rows: [(profile: SampleStockProfile, basic: StockBasic)] = []
        rows.reserveCapacity(n)
        for draft in drafts {
            let plan = boardPlans[draft.plan]
            guard let code = try? TSCode(symbol: sixDigits(draft.code), exchange: plan.exchange) else {
                preconditionFailure("generated an invalid code \(draft.code)")
            }
            let isST = !draft.stPrefix.isEmpty
            let listedBefore = draft.kind != .ipo
            let total = round(draft.capital / draft.price, places: 4)
            let float = round(total * draft.floatFraction, places: 4)
            let profile = SampleStockProfile(
                code: code, board: plan.board, isST: isST, industry: draft.industry,
                listedBeforeRange: listedBefore, listIndex: draft.listIndex, endIndex: draft.endIndex,
                initialPriceFen: fen(draft.price), totalShares: total, floatShares: float,
                freeShares: round(float * draft.freeFraction, places: 4),
                finalFloatFraction: draft.finalFloat, finalFreeFraction: draft.finalFree,
                initialAdj: draft.adj)
            let delisted = draft.endIndex < dayCount
            var basic = StockBasic(
                tsCode: code, name: draft.stPrefix + draft.baseName, listStatus: delisted ? .D : .L,
                listDate: draft.listDate, delistDate: delisted ? days[draft.endIndex] : nil)
            basic.area = draft.area
            basic.industry = SampleNames.industries[draft.industry].name
            basic.fullname = draft.fullname
            basic.enname = draft.enname
            basic.cnspell = draft.stPrefix.lowercased() + draft.baseSpell
            basic.isHs =
                draft.kind == .normal && plan.board != .bse && draft.capital >= connectThreshold
                ? (plan.exchange == .SH ? "H" : "S") : "N"
            rows.append((profile, basic))
        }
        rows.sort { $0.basic.tsCode < $1.basic.tsCode }
        return Universe(profiles: rows.map(\.profile), stockBasic: rows.map(\.basic))
    }

    /// A listing date before the range: after the board's launch and at least 60 days before
    /// `start`, skewed towards recent years; falls back to the five years before `start` when the
    /// board did not exist yet, and to 1990-01-01 for ranges starting in early 1990. Snapped to an
    /// open day of the simulated calendar when there is one.
    static func preRangeListDate(rng: inout SampleRandom, launch: Int32, startEpoch: Int) -> TradeDate {
        let earliest = TradeDate.earliest.daysSinceEpoch
        let hi = startEpoch - 60
        var lo = Swift.max(TradeDate(unchecked: launch).daysSinceEpoch, earliest)
        if hi < lo { lo = Swift.max(earliest, hi - 5 * 365) }
        guard hi >= lo else { return TradeDate.earliest }
        let epoch = lo + Int(Double(hi - lo) * rng.uniform().squareRoot())
        let date = TradeDate(daysSinceEpoch: epoch)
        if SampleHolidays.isOpen(date) { return date }
        return SampleHolidays.openDay(before: date) ?? date
    }

    // MARK: Factors and reports

    static func makeMarketFactor(seed: UInt64, dayCount: Int) -> [Double] {
        var rng = SampleRandom(seed: seed, stream: marketStream)
        let longRun = SampleMarket.marketVolatility * SampleMarket.marketVolatility
        let alpha = SampleMarket.marketGarchAlpha
        let beta = SampleMarket.marketGarchBeta
        let omega = longRun * (1 - alpha - beta)
        var variance = longRun
        var factor = [Double](repeating: 0, count: dayCount)
        for d in 0..<dayCount {
            let shock = rng.normal() * tail(&rng)
            let deviation = variance.squareRoot() * shock
            factor[d] = SampleMarket.marketDrift + deviation
            variance = omega + alpha * deviation * deviation + beta * variance
        }
        return factor
    }

    static func makeIndustryFactors(seed: UInt64, dayCount: Int) -> [Double] {
        var rng = SampleRandom(seed: seed, stream: industryStream)
        let count = SampleNames.industries.count * dayCount
        var factors = [Double](repeating: 0, count: count)
        for i in 0..<count { factors[i] = SampleMarket.industryVolatility * rng.normal() }
        return factors
    }

    /// The fat-tail multiplier: `tailScale` with probability `tailProbability`, else 1, divided by
    /// the mixture's standard deviation so that shocks keep unit variance.
    @inline(__always)
    static func tail(_ rng: inout SampleRandom) -> Double {
        let p = SampleMarket.tailProbability
        let s = SampleMarket.tailScale
        let norm = 1 / (1 - p + p * s * s).squareRoot()
        return rng.chance(p) ? s * norm : norm
    }

    static func makeReports(days: [TradeDate], epochDays: [Int]) -> SampleReportSchedule {
        let firstYear = days[0].year
        let lastYear = days[days.count - 1].year
        let firstFiscalYear = firstYear - 3
        let fiscalYears = lastYear - firstYear + 5
        var points: [SampleReportPoint] = []
        for year in (firstYear - 1)...(lastYear + 1) {
            for (month, day, weight) in [(4, 30, 0.25), (8, 31, 0.5), (10, 31, 0.75)] {
                let epoch = SampleHolidays.epochDay(year: year, month: month, day: day)
                let index = lowerBound(epochDays, epoch)
                guard index < days.count else { continue }
                let fy = year - 1 - firstFiscalYear
                points.append(SampleReportPoint(dayIndex: index, annual: fy, ttmOld: fy, ttmWeightNew: weight))
            }
        }
        var pointByDay = [Int32](repeating: 0, count: days.count)
        var p = 0
        for d in 0..<days.count {
            while p + 1 < points.count && points[p + 1].dayIndex <= d { p += 1 }
            pointByDay[d] = Int32(p)
        }
        return SampleReportSchedule(
            firstFiscalYear: firstFiscalYear, fiscalYears: fiscalYears, points: points, pointByDay: pointByDay)
    }

    // MARK: One stock

    static let bonusRatios = [1.2, 1.3, 1.5, 2.0]

    static func simulate(
        stock s: Int, profile p: SampleStockProfile, context c: SampleContext, columns: SampleColumns
    ) -> SampleStockEvents {
        var rng = SampleRandom(seed: c.seed, stream: stockStream &+ UInt64(s))
        let dayCount = c.dayCount
        let base = s * dayCount
        let plan = boardPlans.first { $0.board == p.board && $0.exchange == p.code.exchange } ?? boardPlans[0]

        // Return model parameters.
        let sigma = rng.uniform(
            SampleMarket.idiosyncraticVolatilityRange.lowerBound, SampleMarket.idiosyncraticVolatilityRange.upperBound)
        let premium = -SampleMarket.lowVolatilityPremium * (sigma - SampleMarket.meanIdiosyncraticVolatility)
        // Itô: a log drift of μ − σ²/2 gives an expected simple return of μ (idiosyncratic part).
        let logDrift = premium - 0.5 * sigma * sigma
        let betaM = rng.uniform(SampleMarket.marketBetaRange.lowerBound, SampleMarket.marketBetaRange.upperBound)
        let betaI = rng.uniform(SampleMarket.industryBetaRange.lowerBound, SampleMarket.industryBetaRange.upperBound)
        let industryBase = p.industry * dayCount
        let turnoverBase = rng.logNormal(median: 0.012, sd: 0.5) * plan.turnoverMultiplier
        let suspensionChance = SampleMarket.suspensionProbability * (p.isST ? 3 : 1)
        let reversal = SampleMarket.reversalStrength

        // Fundamentals: company totals per fiscal year (万元).
        let fiscalYears = c.reports.fiscalYears
        let capital = Double(p.initialPriceFen) / 100 * p.totalShares
        var revenue = [Double](repeating: 0, count: fiscalYears)
        var netIncome = [Double](repeating: 0, count: fiscalYears)
        var equity = [Double](repeating: 0, count: fiscalYears)
        let targetMargin = p.isST ? -0.03 : rng.uniform(0.04, 0.18)
        var margin = !p.isST && rng.chance(0.1) ? -rng.uniform(0.01, 0.1) : targetMargin + 0.04 * rng.normal()
        var sales = capital / rng.logNormal(median: 2.5, sd: 0.6)
        let initialEquity = capital / rng.logNormal(median: 2.2, sd: 0.5)
        var book = initialEquity
        for f in 0..<fiscalYears {
            if f > 0 {
                sales *= exp(0.06 + 0.15 * rng.normal())
                margin += 0.35 * (targetMargin - margin) + 0.035 * rng.normal()
            }
            revenue[f] = sales
            netIncome[f] = sales * margin
            book = Swift.max(book + 0.7 * netIncome[f], 0.1 * initialEquity)
            equity[f] = book
        }

        // Dividends: one ex-date target a year (a stock-specific day in May–August), the first
        // open day on or after it; paid on the first day the stock trades from then on.
        let exMonth = rng.int(in: 5...8)
        let exDay = rng.int(in: 1...28)
        let payer = !p.isST && rng.chance(0.75)
        let payout = rng.uniform(0.15, 0.5)
        var exTargets: [Int] = []
        let earliestEx = p.listedBeforeRange ? 1 : p.listIndex + 120
        for year in c.days[0].year...c.days[dayCount - 1].year {
            let target = lowerBound(c.epochDays, SampleHolidays.epochDay(year: year, month: exMonth, day: exDay))
            if target >= earliestEx && target < p.endIndex { exTargets.append(target) }
        }

        var total = p.totalShares
        var float = p.floatShares
        var free = p.freeShares
        var shares = [SampleShareState(day: Int32(p.listIndex), total: total, float: float, free: free)]
        var dividends: [SampleDividend] = []
        var adj = p.initialAdj
        var prevClose = p.initialPriceFen
        var recent = (0.0, 0.0, 0.0, 0.0, 0.0)
        var suspendedFor = 0
        var suspendedYesterday = false
        var volumeState = 0.0
        var exCursor = 0
        var unlocked = p.listedBeforeRange
        let unlockDay = p.listIndex + 243
        let noSuspensionBefore = p.listedBeforeRange ? 1 : p.listIndex + 10
        let delistingRun = p.endIndex < dayCount ? p.endIndex - 60 : Int.max
        var traded = 0
        var listed = 0

        for d in 0..<dayCount {
            let i = base + d
            if d < p.listIndex || d >= p.endIndex {
                columns.setIdle(i, status: 0, adj: 0)
                continue
            }
            listed += 1
            // A new spell starts only after a traded day, so spells never run together.
            if suspendedFor == 0 && !suspendedYesterday && d >= noSuspensionBefore && rng.chance(suspensionChance) {
                let u = rng.uniform()
                suspendedFor =
                    1
                    + Swift.min(SampleMarket.maxSuspensionDays - 1, Int(Double(SampleMarket.maxSuspensionDays) * u * u))
            }
            if suspendedFor > 0 {
                suspendedFor -= 1
                suspendedYesterday = true
                columns.setIdle(i, status: 1, adj: adj)
                continue
            }
            suspendedYesterday = false
            traded += 1

            // Ex-rights: cash dividend and/or bonus shares.
            var pre = prevClose
            while exCursor + 1 < exTargets.count && exTargets[exCursor + 1] <= d { exCursor += 1 }
            if exCursor < exTargets.count && exTargets[exCursor] <= d {
                exCursor += 1
                let last = Double(prevClose) / 100
                let fy = c.days[d].year - 1 - c.reports.firstFiscalYear
                var dps = 0.0
                if payer && fy >= 0 && fy < fiscalYears && netIncome[fy] > 0 {
                    dps = Swift.min(
                        round(payout * netIncome[fy] / total, places: 3), (0.08 * last * 1000).rounded(.down) / 1000)
                }
                var ratio = 1.0
                if !p.isST && rng.chance(0.08) {
                    let candidate = bonusRatios[rng.below(bonusRatios.count)]
                    if last / candidate >= 4 { ratio = candidate }
                }
                if dps >= 0.001 || ratio > 1 {
                    let exPre = PriceLimit.roundToFen((last - dps) / ratio)
                    if exPre >= SampleMarket.priceFloor {
                        pre = fen(exPre)
                        adj = adj * last / (Double(pre) / 100)
                        if dps >= 0.001 {
                            dividends.append(
                                SampleDividend(day: Int32(d), epochDay: Int32(c.epochDays[d]), cash: dps * total))
                        }
                        if ratio > 1 {
                            total = round(total * ratio, places: 4)
                            float = round(float * ratio, places: 4)
                            free = round(free * ratio, places: 4)
                            shares.append(SampleShareState(day: Int32(d), total: total, float: float, free: free))
                        }
                    }
                }
            }
            if !unlocked && d >= unlockDay {
                unlocked = true
                float = round(total * p.finalFloatFraction, places: 4)
                free = round(float * p.finalFreeFraction, places: 4)
                shares.append(SampleShareState(day: Int32(d), total: total, float: float, free: free))
            }

            // The day's limit band, in fen.
            let sinceListing: Int? = p.listedBeforeRange ? nil : d - p.listIndex
            let limit = PriceLimit(
                board: p.board, isST: p.isST, tradeDate: c.days[d], tradingDaysSinceListing: sinceListing)
            let preCNY = Double(pre) / 100
            var up = Int32.max
            var down: Int32 = 0
            if let ratio = limit.ratio {
                // The same expressions as `PriceLimit.limitUp` / `limitDown`.
                up = fen(preCNY * (1 + ratio))
                down = fen(preCNY * (1 - ratio))
            }
            let floor = Swift.max(down, fen(SampleMarket.priceFloor))

            // Close.
            var r: Double
            var intraday = sigma
            if sinceListing == 0 {
                let big = p.board == .chiNext || p.board == .star
                r = Swift.min(Swift.max((big ? 0.6 : 0.45) + (big ? 0.45 : 0.35) * rng.normal(), -0.35), 2.0)
                intraday = 3 * sigma
            } else {
                let momentum = recent.0 + recent.1 + recent.2 + recent.3 + recent.4
                r =
                    logDrift + betaM * c.market[d] + betaI * c.industry[industryBase + d]
                    + sigma * rng.normal() * tail(&rng) - reversal * momentum
                if rng.chance(SampleMarket.jumpProbability) { r += SampleMarket.jumpVolatility * rng.normal() }
                if preCNY < SampleMarket.lowPriceAnchor {
                    r += SampleMarket.pricePushback * log(SampleMarket.lowPriceAnchor / preCNY)
                } else if preCNY > SampleMarket.highPriceAnchor {
                    r -= SampleMarket.pricePushback * log(preCNY / SampleMarket.highPriceAnchor)
                }
                if d >= delistingRun { r -= 0.003 }
                if limit.ratio == nil {
                    r += 1.5 * sigma * rng.normal()
                    intraday = 2 * sigma
                }
            }
            let close = Swift.max(Swift.min(fen(preCNY * exp(r)), up), floor)
            let realized = log(Double(close) / Double(pre))
            recent = (recent.1, recent.2, recent.3, recent.4, realized)

            // Open, high, low inside the band.
            let openTarget = preCNY * exp(0.35 * realized + 0.3 * intraday * rng.normal())
            let open = Swift.max(Swift.min(fen(openTarget), up), floor)
            let top = Swift.max(open, close)
            let bottom = Swift.min(open, close)
            var high = Swift.min(Swift.max(fen(Double(top) / 100 * (1 + 0.45 * intraday * abs(rng.normal()))), top), up)
            var low = Swift.max(
                Swift.min(fen(Double(bottom) / 100 * Swift.max(0.5, 1 - 0.45 * intraday * abs(rng.normal()))), bottom),
                floor)
            if high == low {
                // Keep a one-fen range so the day's VWAP lies strictly between low and high.
                if high < up { high += 1 } else { low -= 1 }
            }

            // Volume and amount.
            volumeState = 0.8 * volumeState + 0.3 * rng.normal()
            var turnover = turnoverBase * exp(volumeState + 6 * abs(realized) - 0.1)
            if close == up || close == down { turnover *= 0.6 }
            if sinceListing == 0 {
                turnover = rng.uniform(0.4, 0.8)
            } else if limit.ratio == nil {
                turnover = rng.uniform(0.15, 0.4)
            }
            turnover = Swift.min(turnover, 0.9)
            let vol = Swift.max(100, (float * 100 * turnover).rounded())
            let lowCNY = Double(low) / 100
            let highCNY = Double(high) / 100
            let position = (Double(close) / 100 - lowCNY) / (highCNY - lowCNY)
            let vwap = lowCNY + (highCNY - lowCNY) * (0.2 + 0.6 * (0.5 * position + 0.5 * rng.uniform()))
            let amount = round(vol * vwap / 10, places: 3)

            columns.setTraded(
                i, open: open, high: high, low: low, close: close, preClose: pre, vol: vol, amount: amount, adj: adj)
            prevClose = close
        }

        return SampleStockEvents(
            shares: shares, dividends: dividends, revenue: revenue, netIncome: netIncome, equity: equity,
            tradedDays: traded, listedDays: listed)
    }

    // MARK: Index

    /// The index's rebalance days: day 0, and the first open day after the second Friday of
    /// every June and December.
    static func rebalanceDays(days: [TradeDate]) -> Set<Int> {
        var result: Set<Int> = [0]
        let epochDays = days.map(\.daysSinceEpoch)
        for year in days[0].year...days[days.count - 1].year {
            for month in [6, 12] {
                var day = SampleHolidays.epochDay(year: year, month: month, day: 8)
                while TradeDate(daysSinceEpoch: day).weekday != 5 { day += 1 }
                let index = lowerBound(epochDays, day + 1)
                if index > 0 && index < days.count { result.insert(index) }
            }
        }
        return result
    }

    static func makeIndex(
        profiles: [SampleStockProfile], events: [SampleStockEvents], columns: SampleColumns, days: [TradeDate]
    ) -> SampleIndexSeries {
        let dayCount = days.count
        var series = SampleIndexSeries(
            open: [], high: [], low: [], close: [], preClose: [], vol: [], amount: [])
        let rebalance = rebalanceDays(days: days)
        var members: [Int] = []
        var level = SampleMarket.indexBaseLevel

        /// The stock's last close before `day` in fen (for day 0: its pre-close), 0 if none.
        func lastClose(_ s: Int, before day: Int) -> Int32 {
            let base = s * dayCount
            if day == 0 { return columns.status[base] == 2 ? columns.preClose[base] : 0 }
            var k = day - 1
            while k >= 0 {
                let status = columns.status[base + k]
                if status == 2 { return columns.close[base + k] }
                if status == 0 { return 0 }
                k -= 1
            }
            return 0
        }

        for d in 0..<dayCount {
            if rebalance.contains(d) {
                var ranked: [(cap: Double, stock: Int)] = []
                for (s, p) in profiles.enumerated() where !p.isST && p.listIndex <= d && d < p.endIndex {
                    let price = lastClose(s, before: d)
                    guard price > 0 else { continue }
                    let shares = events[s].shares(on: d == 0 ? 0 : d - 1)
                    ranked.append((Double(price) / 100 * shares.float, s))
                }
                ranked.sort { $0.cap != $1.cap ? $0.cap > $1.cap : $0.stock < $1.stock }
                members = ranked.prefix(SampleMarket.indexSize).map(\.stock).sorted()
                series.constituents.append((d, members))
            }
            var weights = 0.0
            var openSum = 0.0
            var highSum = 0.0
            var lowSum = 0.0
            var closeSum = 0.0
            var vol = 0.0
            var amount = 0.0
            for s in members {
                let i = s * dayCount + d
                switch columns.status[i] {
                case 2:
                    let pre = Double(columns.preClose[i])
                    let w = events[s].shares(on: d).float * pre / 100
                    weights += w
                    openSum += w * (Double(columns.open[i]) / pre)
                    highSum += w * (Double(columns.high[i]) / pre)
                    lowSum += w * (Double(columns.low[i]) / pre)
                    closeSum += w * (Double(columns.close[i]) / pre)
                    vol += columns.vol[i]
                    amount += columns.amount[i]
                case 1:
                    let w = events[s].shares(on: d).float * Double(lastClose(s, before: d)) / 100
                    weights += w
                    openSum += w
                    highSum += w
                    lowSum += w
                    closeSum += w
                default:
                    break  // delisted: no longer counts
                }
            }
            let pre = level
            func scaled(_ sum: Double) -> Double { round(weights > 0 ? pre * (sum / weights) : pre, places: 4) }
            series.preClose.append(pre)
            series.open.append(scaled(openSum))
            series.high.append(scaled(highSum))
            series.low.append(scaled(lowSum))
            series.close.append(scaled(closeSum))
            series.vol.append(vol)
            series.amount.append(round(amount, places: 3))
            level = series.close[d]
        }
        return series
    }
}
