import StockSchoolCore
import StockSchoolStore

/// The last few synced days of each per-day dataset, kept while a sync runs so that each day's
/// quality check compares it with the day before without reading that day back from the store.
/// Days not in memory (the first of a run, or ones an earlier run committed) are read from the
/// store once and then kept.
actor QualityMemory {
    /// One dataset on one day: who has a row, and the value the checks need (`daily` close,
    /// `adj_factor`; nothing for `daily_basic`).
    struct Day: Sendable {
        let codes: Set<TSCode>
        let values: [TSCode: Double]

        init(codes: Set<TSCode>, values: [TSCode: Double] = [:]) {
            self.codes = codes
            self.values = values
        }

        init(_ bars: [DailyBar]) {
            var values = [TSCode: Double](minimumCapacity: bars.count)
            for bar in bars { values[bar.tsCode] = bar.close }
            self.init(codes: Set(values.keys), values: values)
        }

        init(_ factors: [AdjFactor]) {
            var values = [TSCode: Double](minimumCapacity: factors.count)
            for factor in factors { values[factor.tsCode] = factor.adjFactor }
            self.init(codes: Set(values.keys), values: values)
        }
    }

    private let store: any MarketStore
    private let calendar: TradingCalendar
    /// Days kept per dataset; enough for every unit in flight and the day before each.
    private let keep: Int
    private var days: [Dataset: [TradeDate: Day]] = [:]
    /// Units of this run not yet settled (committed or failed). A check waits for the days it
    /// compares against while they are in flight, instead of silently skipping the comparison;
    /// it only ever waits for units planned before its own, which are already running.
    private var inFlight: Set<Unit> = []
    private var waiters: [Unit: [CheckedContinuation<Void, Never>]] = [:]

    struct Unit: Hashable {
        let dataset: Dataset
        let date: TradeDate
    }
    /// Rows per synced day, ascending by date, for the trailing median.
    private var rowCounts: [Dataset: [(date: TradeDate, rows: Int)]] = [:]

    private init(store: any MarketStore, calendar: TradingCalendar, keep: Int) {
        self.store = store
        self.calendar = calendar
        self.keep = keep
    }

    /// Seeds the row counts of the synced days from `sync_state`.
    static func load(
        store: any MarketStore, calendar: TradingCalendar, concurrency: Int
    ) async throws -> QualityMemory {
        let memory = QualityMemory(store: store, calendar: calendar, keep: 2 * concurrency + 4)
        var counts: [Dataset: [(date: TradeDate, rows: Int)]] = [:]
        let rows = try await store.query(
            SQLStatement(
                "SELECT dataset, trade_date, max(rows) FROM sync_state GROUP BY dataset, trade_date ORDER BY dataset, trade_date"
            ))
        for row in rows {
            guard row.count == 3, let dataset = row[0].string.flatMap(Dataset.init(rawValue:)),
                Dataset.perTradeDate.contains(dataset), let date = row[1].int, let count = row[2].int, count > 0
            else { continue }
            counts[dataset, default: []].append((TradeDate(unchecked: Int32(date)), Int(count)))
        }
        await memory.seed(counts)
        return memory
    }

    private func seed(_ counts: [Dataset: [(date: TradeDate, rows: Int)]]) { rowCounts = counts }

    /// The run's planned units, before any starts.
    func expect(_ units: [(Dataset, TradeDate)]) {
        inFlight = Set(units.map { Unit(dataset: $0.0, date: $0.1) })
    }

    /// The unit committed, failed or will not run: whoever waits for it goes on.
    func settle(_ dataset: Dataset, _ date: TradeDate) {
        let unit = Unit(dataset: dataset, date: date)
        inFlight.remove(unit)
        for waiter in waiters.removeValue(forKey: unit) ?? [] { waiter.resume() }
    }

    /// The run is ending early: release every waiter.
    func settleAll() {
        inFlight = []
        for waiter in waiters.values.joined() { waiter.resume() }
        waiters = [:]
    }

    private func arrival(_ dataset: Dataset, _ date: TradeDate) async {
        let unit = Unit(dataset: dataset, date: date)
        guard inFlight.contains(unit) else { return }
        await withCheckedContinuation { waiters[unit, default: []].append($0) }
    }

    /// Records a committed day.
    func remember(_ dataset: Dataset, on date: TradeDate, _ day: Day) {
        keepDay(dataset, date, day)
        var counts = rowCounts[dataset, default: []]
        let i = counts.partitionPoint { $0.date < date }
        if i < counts.count, counts[i].date == date {
            counts[i].rows = day.codes.count
        } else if !day.codes.isEmpty {
            counts.insert((date, day.codes.count), at: i)
        }
        rowCounts[dataset] = counts
    }

    private func keepDay(_ dataset: Dataset, _ date: TradeDate, _ day: Day) {
        var kept = days[dataset, default: [:]]
        kept[date] = day
        if kept.count > keep, let oldest = kept.keys.min() { kept[oldest] = nil }
        days[dataset] = kept
    }

    /// What the check of `dataset` on `date` compares against.
    func context(for dataset: Dataset, on date: TradeDate) async throws -> QualityContext {
        guard let previous = calendar.previous(date) else {
            return QualityContext(trailingMedian: trailingMedian(dataset, before: date))
        }
        await arrival(dataset, previous)
        if dataset == .daily {
            await arrival(.adjFactor, previous)
            await arrival(.adjFactor, date)
        }
        var context = QualityContext(trailingMedian: trailingMedian(dataset, before: date))
        let before = try await day(dataset, previous)
        context.previousCodes = before?.codes
        if dataset == .daily, let before {
            let adjBefore = try await day(.adjFactor, previous)?.values ?? [:]
            let adjToday = try await day(.adjFactor, date)?.values ?? [:]
            var expected = [TSCode: Double](minimumCapacity: before.values.count)
            for (code, close) in before.values {
                guard let a = adjBefore[code], let b = adjToday[code], b > 0 else { continue }
                expected[code] = PriceLimit.roundToFen(close * a / b)
            }
            context.expectedPreClose = expected
        }
        return context
    }

    private func trailingMedian(_ dataset: Dataset, before date: TradeDate) -> Double? {
        guard let counts = rowCounts[dataset] else { return nil }
        let end = counts.partitionPoint { $0.date < date }
        let window = counts[max(0, end - QualityContext.trailingDays)..<end].map(\.rows).sorted()
        guard !window.isEmpty else { return nil }
        let mid = window.count / 2
        return window.count % 2 == 1 ? Double(window[mid]) : Double(window[mid - 1] + window[mid]) / 2
    }

    /// A day from memory, else from the store (kept if found); `nil` when it has no rows.
    private func day(_ dataset: Dataset, _ date: TradeDate) async throws -> Day? {
        if let day = days[dataset]?[date] { return day }
        let day: Day
        switch dataset {
        case .daily: day = Day(try await store.read(DailyBar.self, .crossSection(date)))
        case .adjFactor: day = Day(try await store.read(AdjFactor.self, .crossSection(date)))
        case .dailyBasic:
            day = Day(codes: Set(try await store.read(DailyBasic.self, .crossSection(date)).map(\.tsCode)))
        case .stockBasic, .tradeCal, .indexDaily, .indexWeight: return nil
        }
        guard !day.codes.isEmpty else { return nil }
        keepDay(dataset, date, day)
        return day
    }
}
