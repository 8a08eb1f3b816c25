import StockSchoolCore
import StockSchoolStore

/// An index's constituents point in time, from its `index_weight` snapshots.
///
/// A stock is a member on date t when it is in the latest snapshot dated on or before t: a
/// snapshot is what was known from its date on, so nothing a research run reads at t was
/// published after t (ARCHITECTURE.md, "index membership as of t"). Before the first snapshot no
/// stock is a member — an empty universe, not a guess from a later list.
public struct IndexMembership: Sendable, Equatable {
    /// One published constituent list.
    public struct Snapshot: Sendable, Equatable {
        public let date: TradeDate
        public let members: Set<TSCode>

        public init(date: TradeDate, members: Set<TSCode>) {
            self.date = date
            self.members = members
        }
    }

    public let indexCode: TSCode
    /// In date order, one per date.
    public let snapshots: [Snapshot]

    /// Snapshots may come in any order; two with the same date are merged.
    public init(indexCode: TSCode, snapshots: [Snapshot]) {
        self.indexCode = indexCode
        var merged: [TradeDate: Set<TSCode>] = [:]
        for snapshot in snapshots { merged[snapshot.date, default: []].formUnion(snapshot.members) }
        self.snapshots = merged.keys.sorted().map { Snapshot(date: $0, members: merged[$0] ?? []) }
    }

    /// Groups `index_weight` rows of one index into snapshots.
    public init(indexCode: TSCode, rows: [IndexWeight]) {
        let byDate = Dictionary(grouping: rows.filter { $0.indexCode == indexCode }, by: \.tradeDate)
        self.init(
            indexCode: indexCode,
            snapshots: byDate.map { Snapshot(date: $0.key, members: Set($0.value.map(\.conCode))) })
    }

    /// The position of the snapshot in force on `date`, `nil` before the first.
    func snapshotIndex(on date: TradeDate) -> Int? {
        let after = snapshots.partitionPoint { $0.date <= date }
        return after > 0 ? after - 1 : nil
    }

    /// The members on `date`; empty before the first snapshot.
    public func members(on date: TradeDate) -> Set<TSCode> {
        snapshotIndex(on: date).map { snapshots[$0].members } ?? []
    }

    public func contains(_ code: TSCode, on date: TradeDate) -> Bool {
        snapshotIndex(on: date).map { snapshots[$0].members.contains(code) } ?? false
    }

    /// Every stock that is a member on some day of `start…end`, sorted.
    public func stocks(from start: TradeDate, through end: TradeDate) -> [TSCode] {
        var all = members(on: start)
        for snapshot in snapshots where snapshot.date > start && snapshot.date <= end {
            all.formUnion(snapshot.members)
        }
        return all.sorted()
    }

    /// Per stock and date (stock-major, `tsCodes.count × dates.count`), whether the stock is a
    /// member on that date.
    public func mask(tsCodes: [TSCode], dates: [TradeDate]) -> UniverseMask {
        let inForce = dates.map { snapshotIndex(on: $0) }
        var member = [Bool](repeating: false, count: tsCodes.count * dates.count)
        for (s, code) in tsCodes.enumerated() {
            let base = s * dates.count
            for (d, snapshot) in inForce.enumerated() {
                if let snapshot, snapshots[snapshot].members.contains(code) { member[base + d] = true }
            }
        }
        return UniverseMask(stocks: tsCodes.count, dates: dates.count, member: member)
    }

    /// Reads the snapshots that decide membership on `start…end`: the one in force on `start`
    /// and every later one up to `end`.
    ///
    /// Throws when the store has no `index_weight` rows for the index (telling the user to sync
    /// them) and when its first snapshot comes after `end` (every date would be empty). A range
    /// that starts before the first snapshot is allowed: its earlier dates have no members.
    public static func load(
        store: any MarketStore, indexCode: TSCode, start: TradeDate, end: TradeDate
    ) async throws -> IndexMembership {
        guard start <= end else { throw StockSchoolError.invalidDateRange(start: start, end: end) }
        let code = SQLValue.text(indexCode.description)
        // A store not yet migrated to version 3 has no table: the same advice holds.
        var first: Int64?
        if try await store.tableExists(Schema.indexWeight.name) {
            first = try await store.query(
                SQLStatement("SELECT min(trade_date) FROM index_weight WHERE index_code = ?", [code])
            ).first?.first?.int
        }
        guard let first else {
            throw StockSchoolError.invalidArgument(
                name: "--universe index:\(indexCode)",
                reason:
                    "index_weight has no constituents of \(indexCode); run `stockschool sync --datasets index_weight` (Tushare, CSV index_weight.csv, or the sample market's 000300.SH) first"
            )
        }
        guard first <= Int64(end.rawValue) else {
            throw StockSchoolError.invalidArgument(
                name: "--universe index:\(indexCode)",
                reason:
                    "the first index_weight snapshot of \(indexCode) is dated \(first), after \(end): no stock is a member in the range; choose a later range or sync index_weight from earlier"
            )
        }
        let anchor =
            try await store.query(
                SQLStatement(
                    "SELECT max(trade_date) FROM index_weight WHERE index_code = ? AND trade_date <= ?",
                    [code, .integer(Int64(start.rawValue))])
            ).first?.first?.int ?? first
        let rows = try await store.records(
            IndexWeight.self, where: "WHERE index_code = ? AND trade_date >= ? AND trade_date <= ?",
            [code, .integer(anchor), .integer(Int64(end.rawValue))])
        return IndexMembership(indexCode: indexCode, rows: rows)
    }
}
