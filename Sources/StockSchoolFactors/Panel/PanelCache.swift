import Foundation
import StockSchoolCore
import StockSchoolStore

/// A columnar copy of loaded panels under the data directory, so that a second computation over
/// the same stocks, dates and fields reads a few hundred megabytes of doubles instead of running
/// the store's queries again.
///
/// Never stale with respect to sync: each file records a stamp of the store — the latest
/// `sync_runs` id and, per source dataset, the days and rows `sync_state` holds in the range — and
/// a panel is served only when the store's stamp is the same now. Every sync records a run, so
/// any sync invalidates it; so does a hole punched as the docs describe (rows and checkpoints
/// deleted). Rows changed by hand with SQL, bypassing `sync_state`, are not seen: compute with
/// `--no-cache` (or delete `<data_dir>/cache`) after such an edit. Counting the tables' rows
/// instead would see them but cost seconds on a large store, which is what the cache saves.
public struct PanelCache: Sendable {
    public let directory: URL

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory)
    }

    /// The cache every command and the server share: `<data_dir>/cache/panels`.
    public init(dataDirectory: String) {
        self.init(directory: dataDirectory + "/cache/panels")
    }

    struct Header: Codable {
        var version = 1
        var store: String
        var stamp: [Int64]
        var start: Int32
        var end: Int32
        var adjustment: String
        var fields: [String]
        var tsCodes: [String]
        var dates: [Int32]
    }

    /// The cached panel, or `nil` when there is none or it no longer matches the store.
    func load(
        store: any MarketStore, start: TradeDate, end: TradeDate, tsCodes: [TSCode]?, adjustment: PriceAdjustment,
        fields: Set<String>
    ) async throws -> FactorPanel? {
        let file = self.file(
            store: store, start: start, end: end, tsCodes: tsCodes, adjustment: adjustment, fields: fields)
        guard let data = try? Data(contentsOf: file, options: .alwaysMapped), data.count >= 8 else { return nil }
        let headerLength = data.withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        guard headerLength > 0, 8 + headerLength <= data.count,
            let header = try? JSONDecoder().decode(Header.self, from: data[8..<(8 + headerLength)]),
            header.version == 1, header.store == store.displayURL, header.start == start.rawValue,
            header.end == end.rawValue, header.adjustment == adjustment.rawValue
        else { return nil }
        guard try await Self.stamp(store: store, start: start, end: end) == header.stamp else { return nil }
        let cells = header.tsCodes.count * header.dates.count
        guard data.count == 8 + headerLength + header.fields.count * cells * 8 else { return nil }
        var values: [String: [Double]] = [:]
        for (k, field) in header.fields.enumerated() {
            let offset = 8 + headerLength + k * cells * 8
            // Copied straight into fresh storage: a zero fill first would be another pass over
            // a column that is 100 MB on a whole-market panel.
            values[field] = [Double](unsafeUninitializedCapacity: cells) { target, initialized in
                data.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(target).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + cells * 8)]))
                }
                initialized = cells
            }
        }
        let codes = try header.tsCodes.map { text throws(StockSchoolError) in try TSCode(text) }
        return try FactorPanel(
            tsCodes: codes, dates: header.dates.map { TradeDate(unchecked: $0) }, adjustment: adjustment, fields: values
        )
    }

    /// Writes `panel` for later loads; a failure to write only costs the next load its speed.
    func save(
        _ panel: FactorPanel, store: any MarketStore, start: TradeDate, end: TradeDate, tsCodes: [TSCode]?
    ) async throws {
        let fields = panel.fields.keys.sorted()
        let header = Header(
            store: store.displayURL, stamp: try await Self.stamp(store: store, start: start, end: end),
            start: start.rawValue, end: end.rawValue, adjustment: panel.adjustment.rawValue, fields: fields,
            tsCodes: panel.tsCodes.map(\.description), dates: panel.dates.map(\.rawValue))
        let json = try JSONEncoder().encode(header)
        var data = Data(capacity: 8 + json.count + fields.count * panel.cellCount * 8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for field in fields {
            panel.fields[field]?.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = self.file(
            store: store, start: start, end: end, tsCodes: tsCodes, adjustment: panel.adjustment,
            fields: Set(fields))
        // Written aside and renamed, so a reader never sees half a file.
        let partial = file.appendingPathExtension("partial-\(UUID().uuidString)")
        try data.write(to: partial)
        _ = try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: partial, to: file)
    }

    /// The store's state for a range, from sync's own bookkeeping (cheap at any size): the latest
    /// `sync_runs` id, and per source dataset the committed days and their rows in `sync_state`.
    static func stamp(store: any MarketStore, start: TradeDate, end: TradeDate) async throws -> [Int64] {
        var stamp = [try await store.query(SQLStatement("SELECT max(id) FROM sync_runs")).first?.first?.int ?? 0]
        for dataset in ["daily", "adj_factor", "daily_basic"] {
            let row = try await store.query(
                SQLStatement(
                    "SELECT count(*), sum(rows) FROM sync_state WHERE dataset = ? AND trade_date BETWEEN ? AND ?",
                    [.text(dataset), .integer(Int64(start.rawValue)), .integer(Int64(end.rawValue))]))
            stamp.append(row.first?.first?.int ?? 0)
            stamp.append(row.first?.last?.int ?? 0)
        }
        return stamp
    }

    func file(
        store: any MarketStore, start: TradeDate, end: TradeDate, tsCodes: [TSCode]?, adjustment: PriceAdjustment,
        fields: Set<String>
    ) -> URL {
        let key = [
            store.displayURL, start.description, end.description, adjustment.rawValue,
            fields.sorted().joined(separator: ","),
            tsCodes.map { $0.map(\.description).joined(separator: ",") } ?? "all",
        ].joined(separator: "|")
        return directory.appendingPathComponent("panel-\(Self.fnv1a(key)).f64")
    }

    /// FNV-1a, 64-bit: a stable file name for a key (Swift's `hashValue` changes per process).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
