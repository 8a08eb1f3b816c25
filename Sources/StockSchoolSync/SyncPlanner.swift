import StockSchoolCore
import StockSchoolStore

/// The exact set of units a sync must fetch: every (dataset, open day) in the range with no
/// checkpoint for the source — holes in the middle included, not only days after the latest one.
public struct SyncPlan: Sendable, Equatable {
    public struct Unit: Sendable, Equatable, Hashable {
        public var dataset: Dataset
        public var tradeDate: TradeDate
    }

    /// Per-date units in date order (then dataset), as the engine runs them.
    public var units: [Unit]
    /// Open days `index_daily` still needs (fetched as one range call per index).
    public var indexDays: [TradeDate]
    /// Calls `index_weight` needs, one per calendar month and index, in date order.
    public var indexWeightWindows: [MonthWindow] = []
    /// Open days in the range, from the stored `trade_cal`.
    public var openDays: [TradeDate]

    public var isEmpty: Bool { units.isEmpty && indexDays.isEmpty && indexWeightWindows.isEmpty }

    /// One `index_weight` call: the calendar days asked for and the open days whose checkpoints
    /// commit with the rows.
    ///
    /// Snapshots are monthly and not always dated on an open day, so a window is a whole
    /// calendar month (cut at the request's end), and a month is fetched again until all its
    /// open days are checkpointed — a month still running when a sync ran gets its month-end
    /// snapshot on a later sync. A month's rows of a 5,000-member index still fit in one reply.
    public struct MonthWindow: Sendable, Equatable {
        public var start: TradeDate
        public var end: TradeDate
        /// Empty for the look-back month before the range, which is fetched only so the snapshot
        /// in force on the range's first day is known.
        public var days: [TradeDate]
    }
}

public struct SyncPlanner: Sendable {
    public let store: any MarketStore
    public let source: String

    public init(store: any MarketStore, source: String) {
        self.store = store
        self.source = source
    }

    /// The SSE calendar as stored in `trade_cal`.
    public func calendar() async throws -> TradingCalendar {
        let days = try await store.read(TradeCalDay.self).filter { $0.isOpen && $0.exchange == "SSE" }
        return TradingCalendar(openDays: days.map(\.calDate))
    }

    public func plan(_ request: SyncRequest, calendar: TradingCalendar) async throws -> SyncPlan {
        let openDays = Array(calendar.days(from: request.start, through: request.end))
        var units: [SyncPlan.Unit] = []
        for dataset in Dataset.perTradeDate where request.datasets.contains(dataset) {
            let done = request.full ? [] : try await store.completedDates(source: source, dataset: dataset.rawValue)
            units += openDays.filter { !done.contains($0) }.map { SyncPlan.Unit(dataset: dataset, tradeDate: $0) }
        }
        var indexDays: [TradeDate] = []
        if request.datasets.contains(.indexDaily) {
            let done =
                request.full ? [] : try await store.completedDates(source: source, dataset: Dataset.indexDaily.rawValue)
            indexDays = openDays.filter { !done.contains($0) }
        }
        var windows: [SyncPlan.MonthWindow] = []
        if request.datasets.contains(.indexWeight) {
            let done =
                request.full
                ? [] : try await store.completedDates(source: source, dataset: Dataset.indexWeight.rawValue)
            windows = Self.monthWindows(openDays: openDays, done: done, end: request.end)
        }
        units.sort { ($0.tradeDate, $0.dataset.rawValue) < ($1.tradeDate, $1.dataset.rawValue) }
        return SyncPlan(units: units, indexDays: indexDays, indexWeightWindows: windows, openDays: openDays)
    }

    /// The calendar months holding an open day without an `index_weight` checkpoint, each with
    /// all its open days in the range; when the range's first open day is among them, the month
    /// before too (no days), as the snapshot in force on that day was usually published then.
    static func monthWindows(openDays: [TradeDate], done: Set<TradeDate>, end: TradeDate) -> [SyncPlan.MonthWindow] {
        guard let first = openDays.first else { return [] }
        var byMonth: [(month: Int, days: [TradeDate])] = []
        for day in openDays {
            let month = day.year * 12 + day.month - 1
            if byMonth.last?.month == month {
                byMonth[byMonth.count - 1].days.append(day)
            } else {
                byMonth.append((month, [day]))
            }
        }
        func firstDay(_ month: Int) -> TradeDate {
            TradeDate(unchecked: Int32((month / 12) * 10_000 + (month % 12 + 1) * 100 + 1))
        }
        func lastDay(_ month: Int) -> TradeDate { firstDay(month + 1).addingDays(-1) }
        var windows: [SyncPlan.MonthWindow] = []
        for (month, days) in byMonth where days.contains(where: { !done.contains($0) }) {
            if windows.isEmpty, !done.contains(first), month == byMonth[0].month, firstDay(month - 1) >= .earliest {
                windows.append(SyncPlan.MonthWindow(start: firstDay(month - 1), end: lastDay(month - 1), days: []))
            }
            windows.append(SyncPlan.MonthWindow(start: firstDay(month), end: min(lastDay(month), end), days: days))
        }
        return windows
    }
}
