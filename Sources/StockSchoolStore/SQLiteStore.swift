import Foundation
import GRDB
import GRDBSQLite
import StockSchoolCore

/// The embedded backend: one SQLite file in WAL mode through GRDB's `DatabasePool` (concurrent
/// readers, one writer). Bulk paths drop to the raw `sqlite3_*` API on GRDB's prepared
/// statements: binding a million rows through `StatementArguments` would box every value.
public final class SQLiteStore: MarketStore {
    public let dialect = SQLDialect.sqlite
    public let displayURL: String
    let path: String
    let pool: DatabasePool
    let checkpointer: WALCheckpointer

    /// Opens (creating the file and its directory if needed) the database at `path`.
    public init(path: String) throws {
        self.displayURL = "sqlite://\(path.hasPrefix("/") ? "" : "/")\(path)"
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StockSchoolError.storeUnavailable(
                    url: displayURL, reason: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        _ = SQLiteThreading.multiThread
        let checkpointer = WALCheckpointer(path: path)
        self.checkpointer = checkpointer
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(Self.busySeconds))
        configuration.prepareDatabase { db in
            // Only a new file takes it (before GRDB turns WAL on). A bulk load writes a quarter of
            // the log frames, one `pwrite` each, that 4 KiB pages needed: 1.3× the load speed
            // together with the checkpoint off the writer's path (BENCHMARKS.md, issue 2).
            try db.execute(sql: "PRAGMA page_size = \(SQLiteStore.pageSize)")
            if !db.configuration.readonly, let connection = db.sqliteConnection { checkpointer.install(on: connection) }
            // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose
            // the last transactions, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Bulk loads touch pages all over the key space; a bigger cache keeps them in memory.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            checkpointer.close()
            throw StockSchoolError.storeUnavailable(url: displayURL, reason: "\(error)")
        }
    }

    deinit {
        checkpointer.close()
    }

    @discardableResult
    public func query(_ statement: SQLStatement) async throws -> [[SQLValue]] {
        let isRead = statement.sql.prefix(6).uppercased() == "SELECT"
        if isRead {
            return try await pool.read { db in try Self.run(statement, in: db) }
        }
        return try await pool.write { db in try Self.run(statement, in: db) }
    }

    public func execute(atomically statements: [SQLStatement]) async throws {
        try await pool.write { db in
            for statement in statements { _ = try Self.run(statement, in: db) }
        }
    }

    static func run(_ statement: SQLStatement, in db: Database) throws -> [[SQLValue]] {
        let prepared = try db.makeStatement(sql: statement.sql)
        let handle = prepared.sqliteStatement
        for (i, value) in statement.binds.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .null: sqlite3_bind_null(handle, index)
            case .integer(let v): sqlite3_bind_int64(handle, index, v)
            case .double(let v): sqlite3_bind_double(handle, index, v)
            case .text(let v): sqlite3_bind_text(handle, index, v, -1, sqliteTransient)
            }
        }
        defer { sqlite3_reset(handle) }
        var rows: [[SQLValue]] = []
        let columns = sqlite3_column_count(handle)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw SQLiteFailure(db: db, code: rc, sql: statement.sql) }
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                switch sqlite3_column_type(handle, c) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(handle, c)))
                case SQLITE_FLOAT: row.append(.double(sqlite3_column_double(handle, c)))
                default:
                    row.append(.text(sqlite3_column_text(handle, c).map { String(cString: $0) } ?? ""))
                }
            }
            rows.append(row)
        }
        return rows
    }

    public func upsert<R: StoreRecord>(
        _ rows: [R], checkpoints: [SyncCheckpoint], reports: [QualityReport]
    ) async throws {
        if rows.isEmpty && checkpoints.isEmpty && reports.isEmpty { return }
        try await pool.write { db in
            try Self.bulkUpsert(rows, in: db)
            try Self.bulkUpsert(checkpoints, in: db)
            try Self.bulkUpsert(reports, in: db)
        }
    }

    public func upsert<R: StoreRecord, S: StoreRecord>(_ rows: [R], together others: [S]) async throws {
        if rows.isEmpty && others.isEmpty { return }
        try await pool.write { db in
            try Self.bulkUpsert(rows, in: db)
            try Self.bulkUpsert(others, in: db)
        }
    }

    /// Rows per statement on the bulk path. Each `sqlite3_step` runs the whole statement
    /// program; binding many rows to one multi-row `VALUES` spreads that cost (64 rows: 1.4×
    /// faster than one row per step; 256: 1.08× faster again), within SQLite's 32,766-parameter
    /// limit for tables of up to 127 columns.
    static func rowsPerStatement(columns: Int) -> Int { min(256, 32_766 / max(columns, 1)) }

    /// Prepared multi-row `INSERT … ON CONFLICT DO UPDATE`s with raw `sqlite3_bind_*` calls.
    ///
    /// Callers reach this through `any MarketStore`, so without a compiled copy per market table
    /// every value went through witness tables and generic copies (up to a tenth of a
    /// `stock_daily` load, measured).
    @_specialize(where R == DailyBar)
    @_specialize(where R == AdjFactor)
    @_specialize(where R == DailyBasic)
    static func bulkUpsert<R: StoreRecord>(_ rows: [R], in db: Database) throws {
        guard !rows.isEmpty else { return }
        let schema = R.schema
        let tuple = "(" + Array(repeating: "?", count: schema.columns.count).joined(separator: ", ") + ")"
        func statement(rows n: Int) throws -> Statement {
            try db.makeStatement(
                sql: schema.upsertStatement(
                    source: "VALUES " + Array(repeating: tuple, count: n).joined(separator: ", ")))
        }
        let perStatement = rowsPerStatement(columns: schema.columns.count)
        let full = rows.count >= perStatement ? try statement(rows: perStatement) : nil
        var start = 0
        while start < rows.count {
            let count = min(perStatement, rows.count - start)
            let prepared = try count == perStatement ? (full ?? statement(rows: count)) : statement(rows: count)
            let handle = prepared.sqliteStatement
            var encoder = SQLiteRowEncoder(statement: handle, schema: schema)
            for row in rows[start..<start + count] {
                encoder.startRow()
                try row.encodeChecked(to: &encoder)
            }
            let rc = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard rc == SQLITE_DONE else {
                throw SQLiteFailure(db: db, code: rc, sql: "upsert into \(schema.name) [rows \(rows[start].rowKey) …]")
            }
            start += count
        }
    }

    /// Reads the panel in date ranges on as many connections as there are cores (WAL readers do
    /// not block each other), then puts the parts together (`DateMajorPanelBuilder.build`).
    ///
    /// Each part is one read transaction, so a sync committing while the panel is read may be
    /// seen by the later dates' part and not the earlier; every date is still read whole, as a
    /// panel of two tables (read by two calls) already could be.
    public func panel(_ request: PanelRequest) async throws -> PanelFrame {
        let (schema, _) = try request.validated()
        let codes = request.tsCodes.map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let codeFilter = codes == nil ? "" : " AND ts_code IN (SELECT value FROM json_each(?))"
        let fields = request.fields
        // Key order (trade_date, ts_code): one sequential pass over each part's range.
        let sql =
            "SELECT trade_date, ts_code, \(fields.joined(separator: ", ")) FROM \(schema.name) WHERE trade_date BETWEEN ? AND ?\(codeFilter) ORDER BY trade_date, ts_code"
        let ranges = try await panelParts(table: schema.name, start: request.start, end: request.end)
        let parts = try await withThrowingTaskGroup(of: (Int, DateMajorPanelBuilder).self) { group in
            for (index, range) in ranges.enumerated() {
                group.addTask {
                    let part = try await self.pool.read { db in
                        try Self.readPanelPart(
                            db: db, sql: sql, start: range.start, end: range.end, codes: codes, fieldCount: fields.count
                        )
                    }
                    return (index, part)
                }
            }
            var parts: [(Int, DateMajorPanelBuilder)] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return DateMajorPanelBuilder.build(parts, fields: fields)
    }

    /// A range of trade dates, both ends included.
    private typealias DateSpan = (start: TradeDate, end: TradeDate)

    /// The date ranges read side by side: `start…end` cut into spans of equal calendar length
    /// between the first and last date that hold rows, one per core (at most four), and whole
    /// when it is shorter than a quarter's trading (a short read gains nothing from splitting).
    private func panelParts(table: String, start: TradeDate, end: TradeDate) async throws -> [DateSpan] {
        // Two subqueries, each answered from one end of the key; min and max in one SELECT
        // would scan the whole range (seconds on a large store).
        let range = "FROM \(table) WHERE trade_date BETWEEN ?1 AND ?2"
        let bounds = try await query(
            SQLStatement(
                "SELECT (SELECT min(trade_date) \(range)), (SELECT max(trade_date) \(range))",
                [.integer(Int64(start.rawValue)), .integer(Int64(end.rawValue))]))
        guard let first = bounds.first?[0].int, let last = bounds.first?[1].int else { return [(start, end)] }
        let low = TradeDate(unchecked: Int32(first)).daysSinceEpoch
        let high = TradeDate(unchecked: Int32(last)).daysSinceEpoch
        let count = min(4, ProcessInfo.processInfo.activeProcessorCount, (high - low) / 90 + 1)
        guard count > 1 else { return [(start, end)] }
        var ranges: [DateSpan] = []
        var from = start
        for part in 1..<count {
            let cut = TradeDate(daysSinceEpoch: low + (high - low + 1) * part / count)
            ranges.append((from, cut.addingDays(-1)))
            from = cut
        }
        ranges.append((from, end))
        return ranges
    }

    /// One part of `panel`: the rows of `start…end`, gathered in key order.
    private static func readPanelPart(
        db: Database, sql: String, start: TradeDate, end: TradeDate, codes: String?, fieldCount: Int
    ) throws -> DateMajorPanelBuilder {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_bind_int64(handle, 1, Int64(start.rawValue))
        sqlite3_bind_int64(handle, 2, Int64(end.rawValue))
        if let codes { sqlite3_bind_text(handle, 3, codes, -1, sqliteTransient) }
        defer { sqlite3_reset(handle) }
        var builder = DateMajorPanelBuilder(fieldCount: fieldCount)
        let fields = Int32(fieldCount)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw SQLiteFailure(db: db, code: rc, sql: sql) }
            guard let text = sqlite3_column_text(handle, 1) else { continue }
            try builder.row(
                date: Int32(truncatingIfNeeded: sqlite3_column_int64(handle, 0)),
                code: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 1))))
            for f in 0..<fields {
                // NULL reads as 0.0; only then is the type call worth making.
                let value = sqlite3_column_double(handle, f + 2)
                if value == 0 && sqlite3_column_type(handle, f + 2) == SQLITE_NULL {
                    builder.append(.nan)
                } else {
                    builder.append(value)
                }
            }
        }
        return builder
    }

    public func close() async throws {
        checkpointer.close()
        try pool.close()
        WALCheckpointer.finish(path: path)
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bound text before the call returns.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// An error SQLite reported while stepping a statement.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    let sql: String

    init(db: Database, code: Int32, sql: String) {
        self.code = code
        self.message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) } ?? "unknown error"
        self.sql = sql
    }

    var description: String { "SQLite error \(code): \(message) in \(sql)" }
}

/// Binds one row's columns to a prepared statement, parameter by parameter.
struct SQLiteRowEncoder: RowEncoder {
    let statement: OpaquePointer
    var guardrail: ColumnGuard
    var parameter: Int32 = 1

    init(statement: OpaquePointer, schema: TableSchema) {
        self.statement = statement
        self.guardrail = ColumnGuard(schema)
    }

    /// Checks the next row's columns from the first; parameters keep counting across the rows
    /// of a multi-row statement.
    mutating func startRow() {
        guardrail.reset()
    }

    private mutating func bindNull() {
        sqlite3_bind_null(statement, parameter)
        parameter += 1
    }

    mutating func text(_ value: String?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard var value = try guardrail.check(value, column) else { return bindNull() }
        // With its length and the bytes in place: passing the `String` itself would build a
        // NUL-terminated array on the heap for every value.
        _ = value.withUTF8 { bytes in
            // An empty string may come without an address, and a null address would bind NULL.
            guard let text = bytes.baseAddress else {
                return sqlite3_bind_text(statement, parameter, "", 0, sqliteTransient)
            }
            return sqlite3_bind_text(statement, parameter, text, Int32(bytes.count), sqliteTransient)
        }
        parameter += 1
    }

    mutating func date(_ value: TradeDate?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return bindNull() }
        sqlite3_bind_int64(statement, parameter, Int64(value.rawValue))
        parameter += 1
    }

    mutating func double(_ value: Double?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return bindNull() }
        sqlite3_bind_double(statement, parameter, value)
        parameter += 1
    }

    mutating func integer(_ value: Int64?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return bindNull() }
        sqlite3_bind_int64(statement, parameter, value)
        parameter += 1
    }

    mutating func timestamp(_ value: Timestamp?) throws(ColumnViolation) {
        try text(value?.iso8601)
    }

    mutating func boolean(_ value: Bool?) throws(ColumnViolation) {
        let column = guardrail.next()
        guard let value = try guardrail.check(value, column) else { return bindNull() }
        sqlite3_bind_int64(statement, parameter, value ? 1 : 0)
        parameter += 1
    }
}

extension SQLiteStore {
    /// The page size a new file gets (`init`).
    public static let pageSize = 16_384

    /// How long a statement waits for a lock another connection holds.
    static let busySeconds = 30

    /// `VACUUM`, which on a file with smaller pages than a new one gets (made before 16 KiB
    /// pages) also moves it to them: a bulk load into it writes a quarter of the log frames.
    ///
    /// WAL mode cannot change the page size, so the rebuild runs under a rollback journal and
    /// the store returns to WAL mode afterwards. Leaving WAL mode needs the only connection to
    /// the file: with another process on the store (a running `serve`), the file is vacuumed
    /// with its pages as they are, and the result says so. Returns what was done.
    public func vacuum() async throws -> String {
        // Idle readers of this process count as connections too.
        pool.releaseMemory()
        return try await pool.writeWithoutTransaction { db in
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            guard size < Self.pageSize else {
                try db.execute(sql: "VACUUM")
                return "ok"
            }
            // Without waiting out the busy timeout for a lock another process holds.
            sqlite3_busy_timeout(db.sqliteConnection, 0)
            defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(Self.busySeconds * 1000)) }
            let mode = try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            guard mode == "delete" else {
                try db.execute(sql: "VACUUM")
                return "ok; pages stay at \(size) bytes: another connection has the store open"
                    + " (vacuum again when none has, to move to \(Self.pageSize))"
            }
            do {
                try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
                try db.execute(sql: "VACUUM")
            } catch {
                _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                throw error
            }
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw StockSchoolError.storeUnavailable(
                    url: displayURL, reason: "vacuumed, but could not return to WAL mode; open the store again")
            }
            let now = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return "ok; pages \(size) → \(now) bytes"
        }
    }
}
