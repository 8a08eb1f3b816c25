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
        /// Hours since the first missing day's data became due (0 when up to date).
        public var lagHours: Double?
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
    /// Score of the latest checked `daily` date, and the lowest over the last 20 checked dates.
    public var latestQuality: Double?
    public var worstRecentQuality: Double?
    /// The latest open day whose data is due now.
    public var expectedLatest: String?

    /// Tushare publishes a day's data after the close; 17:00 Beijing is when it is due.
    public static let dueHourBeijing = 17.0

    /// Builds the status as of `now`.
    public static func load(store: any MarketStore, now: Timestamp = .now) async throws -> SyncStatus {
        let calendar = try await SyncPlanner(store: store, source: "").calendar()
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
        let quality = try await store.query(
            SQLStatement("SELECT score FROM quality_reports WHERE dataset = 'daily' ORDER BY trade_date DESC LIMIT 20")
        )
        .compactMap { $0.first?.doubleValue }
        return SyncStatus(
            datasets: datasets, lastRun: lastRun, latestQuality: quality.first, worstRecentQuality: quality.min(),
            expectedLatest: expected?.description)
    }
}
