import StockSchoolCore
import StockSchoolStore

/// Where the data stands: per dataset the last complete date and how far behind it is, the last
/// run, and the latest quality score. `stockschool sync status` prints it; the HTTP API serves it
/// at `/monitoring/sync/status`.
public struct SyncStatus: Sendable, Equatable, Encodable {
    public struct DatasetStatus: Sendable, Equatable, Encodable {
        public var dataset: String
        /// Latest trade date committed (any source); `nil` if never synced.
        public var lastComplete: String?
        /// Open days after `lastComplete` whose data is already due.
        public var lagTradingDays: Int?
        /// Hours since the first missing day's data became due (0 when up to date): the data's
        /// freshness, which the manual alerts on above 2 hours.
        public var lagHours: Double?
        /// Score of this dataset's latest checked trade date.
        public var quality: Double?
    }

    public struct LastRun: Sendable, Equatable, Encodable {
        public var id: Int64
        public var source: String
        public var status: String
        public var startedAt: String?
        public var finishedAt: String?
        public var message: String?
    }

    public var datasets: [DatasetStatus]
    public var lastRun: LastRun?
    /// The overall quality score: the lowest score among the reports of the last
    /// `overallWindow` checked trade dates, every dataset, so one bad or missing day alerts
    /// (below 0.8) until a sync repairs it.
    public var overallQuality: Double?
    /// The latest open day whose data is due now.
    public var expectedLatest: String?
    /// The last day the stored `trade_cal` covers. When it is before today, days after it cannot
    /// be known to be missing: sync `trade_cal` to see them.
    public var calendarThrough: String?

    /// Tushare publishes a day's data after the close; 17:00 Beijing is when it is due.
    public static let dueHourBeijing = 17.0
    public static let overallWindow = 20

    /// Builds the status as of `now`.
    public static func load(store: any MarketStore, now: Timestamp = .now) async throws -> SyncStatus {
        let calendar = try await SyncPlanner(store: store, source: "").calendar()
        let calendarEnd = try await store.query(SQLStatement("SELECT max(cal_date) FROM trade_cal")).first?.first?.int
            .map { TradeDate(unchecked: Int32($0)) }
        let nowBeijing = now.secondsSinceEpoch + 8 * 3600
        let today = TradeDate(daysSinceEpoch: Int((nowBeijing / 86_400).rounded(.down)))
        let hourOfDay = nowBeijing.truncatingRemainder(dividingBy: 86_400) / 3600
        var expected = calendar.onOrBefore(today)
        if expected == today && hourOfDay < dueHourBeijing { expected = calendar.previous(today) }
        func dueTime(_ date: TradeDate) -> Double {
            Double(date.daysSinceEpoch) * 86_400 + dueHourBeijing * 3600 - 8 * 3600
        }
        var datasets: [DatasetStatus] = []
        for dataset in Dataset.perTradeDate + [.indexDaily] {
            let row = try await store.query(
                SQLStatement("SELECT max(trade_date) FROM sync_state WHERE dataset = ?", [.text(dataset.rawValue)]))
            let last = row.first?.first?.int.map { TradeDate(unchecked: Int32($0)) }
            var status = DatasetStatus(dataset: dataset.rawValue, lastComplete: last?.description)
            if let expected {
                let missing =
                    last.map { calendar.days(from: $0.addingDays(1), through: expected) }
                    ?? calendar.days(from: calendar.first ?? expected, through: expected)
                status.lagTradingDays = missing.count
                status.lagHours = missing.first.map { max(0, (now.secondsSinceEpoch - dueTime($0)) / 3600) } ?? 0
            }
            datasets.append(status)
        }
        let runs = try await store.query(
            SQLStatement(
                "SELECT id, source, status, \(store.timestampText("started_at")), \(store.timestampText("finished_at")), message FROM sync_runs ORDER BY id DESC LIMIT 1"
            ))
        let lastRun = runs.first.map { r in
            LastRun(
                id: r[0].int ?? 0, source: r[1].string ?? "", status: r[2].string ?? "", startedAt: r[3].string,
                finishedAt: r[4].string, message: r[5].string)
        }
        let recentDates = try await store.query(
            SQLStatement(
                "SELECT DISTINCT trade_date FROM quality_reports ORDER BY trade_date DESC LIMIT \(overallWindow)")
        ).compactMap { $0.first?.int }
        var overall: Double?
        if let since = recentDates.last {
            let scores = try await store.query(
                SQLStatement(
                    "SELECT dataset, trade_date, score FROM quality_reports WHERE trade_date >= ? ORDER BY trade_date",
                    [.integer(since)]))
            for row in scores {
                guard row.count == 3, let dataset = row[0].string, let score = row[2].doubleValue else { continue }
                overall = min(overall ?? 1, score)
                if let i = datasets.firstIndex(where: { $0.dataset == dataset }) { datasets[i].quality = score }
            }
        }
        return SyncStatus(
            datasets: datasets, lastRun: lastRun, overallQuality: overall, expectedLatest: expected?.description,
            calendarThrough: calendarEnd?.description)
    }
}
