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
    /// Open days in the range, from the stored `trade_cal`.
    public var openDays: [TradeDate]

    public var isEmpty: Bool { units.isEmpty && indexDays.isEmpty }
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
        units.sort { ($0.tradeDate, $0.dataset.rawValue) < ($1.tradeDate, $1.dataset.rawValue) }
        return SyncPlan(units: units, indexDays: indexDays, openDays: openDays)
    }
}
