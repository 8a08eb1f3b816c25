import StockSchoolCore
import StockSchoolStore

/// Finds the days a dataset silently lacks: open days between its first and last synced day with
/// no committed data (a failed unit, a deleted hole), and calendar days missing from `trade_cal`
/// itself. Each gap day gets a report scoring 0, which the day's own report replaces once a sync
/// fills it; so `stockschool quality` lists gaps until they are gone.
struct CalendarGapCheck {
    let store: any MarketStore
    let calendar: TradingCalendar
    let runID: Int64?

    /// Writes the gap reports and returns them.
    func run(datasets: [Dataset]) async throws -> [QualityReport] {
        var reports: [QualityReport] = []
        let stamp = Timestamp.now
        for dataset in Dataset.perTradeDate where datasets.contains(dataset) {
            let synced = try await store.query(
                SQLStatement(
                    "SELECT DISTINCT trade_date FROM sync_state WHERE dataset = ? ORDER BY trade_date",
                    [.text(dataset.rawValue)])
            ).compactMap { $0.first?.int.map { TradeDate(unchecked: Int32($0)) } }
            guard let first = synced.first, let last = synced.last else { continue }
            let have = Set(synced)
            for day in calendar.days(from: first, through: last) where !have.contains(day) {
                reports.append(QualityCheck.calendarGap(dataset, on: day, runID: runID, at: stamp))
            }
        }
        if !reports.isEmpty { try await store.upsert(reports) }
        if datasets.contains(.tradeCal), let report = try await tradeCalReport(at: stamp) {
            // One report for the whole stored calendar, replacing the previous run's.
            try await store.execute(atomically: [
                SQLStatement("DELETE FROM quality_reports WHERE dataset = ?", [.text(Dataset.tradeCal.rawValue)])
            ])
            try await store.upsert([report])
            reports.append(report)
        }
        return reports
    }

    /// `trade_cal` lists every calendar day, open or not; a missing day means a planner that
    /// cannot tell a holiday from a hole.
    func tradeCalReport(at stamp: Timestamp) async throws -> QualityReport? {
        let days = try await store.read(TradeCalDay.self).filter { $0.exchange == "SSE" }.map(\.calDate)
        guard let first = days.min(), let last = days.max() else { return nil }
        let have = Set(days)
        let span = last.daysSinceEpoch - first.daysSinceEpoch + 1
        let missing = (first.daysSinceEpoch...last.daysSinceEpoch).map(TradeDate.init(daysSinceEpoch:)).filter {
            !have.contains($0)
        }
        var tally = Tally(rows: span)
        tally.rowCheck("calendar_gap", missing.map(\.description), "calendar days missing from trade_cal")
        return QualityReport(
            dataset: Dataset.tradeCal.rawValue, tradeDate: last, score: tally.score, rows: Int64(have.count),
            expected: Int64(span), findings: Tally.json(tally.findings), runID: runID, checkedAt: stamp)
    }
}
