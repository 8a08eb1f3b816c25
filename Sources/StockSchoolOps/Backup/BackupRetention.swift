import Foundation

/// Which backups `backup prune` keeps: of the scheduled (untagged) backups, the newest of each of
/// the `daily` most recent days that have one, of each of the `weekly` most recent ISO weeks, and
/// of each of the `monthly` most recent months (restic's and borg's rule; a backup may fill
/// several slots). Tagged backups (emergency, pre-release) take no slot: they are kept while their
/// day is among the `daily` most recent days with any backup, so an emergency backup never
/// pushes out the nightly one. The newest backup is always kept. Days, weeks and months are the
/// host's local calendar, as ids are.
public struct BackupRetention: Sendable, Equatable {
    public var daily: Int
    public var weekly: Int
    public var monthly: Int

    public init(daily: Int, weekly: Int, monthly: Int) {
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
    }

    /// Each kept id with the slots it fills (`daily 2026-11-27`, `weekly 2026-W48`, …).
    public func keep(_ ids: [BackupID], timeZone: TimeZone = .current) -> [BackupID: [String]] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let all = ids.compactMap { id in id.time(timeZone: timeZone).map { (id, $0) } }
            .sorted { $0.0 > $1.0 }
        let dated = all.filter { $0.0.tag == nil }
        var reasons: [BackupID: [String]] = [:]
        func fill(_ count: Int, _ label: String, _ period: (Date) -> String) {
            var seen: Set<String> = []
            for (id, time) in dated {
                guard seen.count < count else { break }
                let key = period(time)
                if seen.insert(key).inserted { reasons[id, default: []].append("\(label) \(key)") }
            }
        }
        func day(_ time: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: time)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        fill(daily, "daily", day)
        fill(weekly, "weekly") { time in
            let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: time)
            return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
        }
        fill(monthly, "monthly") { time in
            let c = calendar.dateComponents([.year, .month], from: time)
            return String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
        }
        var recentDays: [String] = []
        for (_, time) in all where recentDays.count < daily && recentDays.last != day(time) {
            recentDays.append(day(time))
        }
        for (id, time) in all where id.tag != nil && recentDays.contains(day(time)) {
            reasons[id, default: []].append("\(id.tag?.rawValue ?? "tagged") of \(day(time))")
        }
        if let newest = all.first?.0, reasons[newest] == nil { reasons[newest] = ["newest"] }
        return reasons
    }
}
