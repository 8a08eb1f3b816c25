import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import StockSchoolCore

/// The production backend: PostgreSQL through a postgres-nio connection pool. Bulk upserts stream
/// rows with binary `COPY … FROM STDIN` into a session temporary table and merge them with
/// one `INSERT … ON CONFLICT DO UPDATE`, all in one transaction with the sync checkpoints.
public final class PostgresStore: MarketStore {
    public let dialect = SQLDialect.postgres
    public let displayURL: String
    let client: PostgresClient
    let runTask: Task<Void, Never>
    let logger: Logger
    /// Where the server is, for connections outside the pool (`advisoryLock(key:)`).
    let location: StoreURL.PostgresLocation
    /// Batches at least this large, and at least as large as the table, take the bulk path
    /// (`replaceRebuildingIndexes`).
    let bulkRebuildThreshold: Int

    init(
        client: PostgresClient, runTask: Task<Void, Never>, displayURL: String, logger: Logger,
        location: StoreURL.PostgresLocation, bulkRebuildThreshold: Int
    ) {
        self.client = client
        self.location = location
        self.runTask = runTask
        self.displayURL = displayURL
        self.logger = logger
        self.bulkRebuildThreshold = bulkRebuildThreshold
    }

    /// Connects and checks the server answers, so a wrong URL fails here with a clear message.
    public static func connect(
        _ location: StoreURL.PostgresLocation, displayURL: String, bulkRebuildThreshold: Int = 100_000
    ) async throws -> PostgresStore {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database,
            tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = Duration.seconds(10)
        var logger = Logger(label: "stockschool.store.postgres")
        logger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        let store = PostgresStore(
            client: client, runTask: runTask, displayURL: displayURL, logger: logger, location: location,
            bulkRebuildThreshold: bulkRebuildThreshold)
        do {
            try await store.answers(location)
        } catch let StockSchoolError.storeUnavailable(_, reason) {
            runTask.cancel()
            throw StockSchoolError.storeUnavailable(url: displayURL, reason: reason)
        } catch {
            runTask.cancel()
            throw StockSchoolError.storeUnavailable(url: displayURL, reason: PostgresFailure.describe(error))
        }
        return store
    }

    /// Waits for the pool to answer `SELECT 1`. The pool retries a refused connection forever and
    /// its queries wait for one, so a wrong host, port, password or database would hang every
    /// command: when the pool has not answered within a second, a connection of its own asks the
    /// server, and its failure (refused, no such database, bad password) ends the wait at once.
    /// A server that is only slow keeps the wait going; the common case opens no extra session.
    private func answers(_ location: StoreURL.PostgresLocation) async throws {
        enum Outcome { case answered, reachable }
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                try await self.query(SQLStatement("SELECT 1"))
                return .answered
            }
            group.addTask {
                try await Task.sleep(for: .seconds(1))
                let probe = try await PostgresSession.open(location)
                await probe.close()
                return .reachable
            }
            while let outcome = try await group.next() {
                if outcome == .answered { break }
            }
            group.cancelAll()
        }
    }

    @discardableResult
    public func query(_ statement: SQLStatement) async throws -> [[SQLValue]] {
        do {
            return try await client.withConnection { connection in
                try await Self.run(statement, on: connection, logger: self.logger)
            }
        } catch let error as StockSchoolError {
            throw error
        } catch {
            throw PostgresFailure(error, sql: statement.sql)
        }
    }

    public func execute(atomically statements: [SQLStatement]) async throws {
        // The statement that failed, for the message: the transaction error wraps it.
        let failing = FailingStatement()
        do {
            try await client.withTransaction(logger: logger) { connection in
                // Serialises concurrent migrators and other schema-wide changes.
                _ = try await Self.run(
                    SQLStatement("SELECT pg_advisory_xact_lock(727001)"), on: connection, logger: self.logger)
                for statement in statements {
                    failing.sql = statement.sql
                    _ = try await Self.run(statement, on: connection, logger: self.logger)
                }
            }
        } catch {
            throw PostgresFailure(error, sql: failing.sql)
        }
    }

    static func run(
        _ statement: SQLStatement, on connection: PostgresConnection, logger: Logger
    ) async throws -> [[SQLValue]] {
        var bindings = PostgresBindings(capacity: statement.binds.count)
        for value in statement.binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let v): bindings.append(InferredText(String(v)))
            case .double(let v):
                bindings.append(
                    InferredText(v.isFinite ? "\(v)" : (v.isNaN ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"))))
            case .text(let v): bindings.append(InferredText(v))
            }
        }
        let query = PostgresQuery(unsafeSQL: numberedPlaceholders(statement.sql), binds: bindings)
        var rows: [[SQLValue]] = []
        for try await row in try await connection.query(query, logger: logger) {
            var values: [SQLValue] = []
            for cell in row {
                values.append(try sqlValue(cell))
            }
            rows.append(values)
        }
        return rows
    }

    static func sqlValue(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .timestamptz, .timestamp:
            let date = try cell.decode(Date.self)
            return .text(Timestamp(secondsSinceEpoch: date.timeIntervalSince1970).iso8601)
        default: return .text(try cell.decode(String.self))
        }
    }

    public func upsert<R: StoreRecord>(
        _ rows: [R], checkpoints: [SyncCheckpoint], reports: [QualityReport]
    ) async throws {
        if rows.isEmpty && checkpoints.isEmpty && reports.isEmpty { return }
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await self.copyUpsert(rows, on: connection)
                try await self.copyUpsert(checkpoints, on: connection)
                try await self.copyUpsert(reports, on: connection)
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? StockSchoolError { throw inner }
            throw PostgresFailure(error.closureError ?? error.commitError ?? error, sql: "upsert into \(R.schema.name)")
        }
    }

    public func upsert<R: StoreRecord, S: StoreRecord>(_ rows: [R], together others: [S]) async throws {
        if rows.isEmpty && others.isEmpty { return }
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await self.copyUpsert(rows, on: connection)
                try await self.copyUpsert(others, on: connection)
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? StockSchoolError { throw inner }
            throw PostgresFailure(error.closureError ?? error.commitError ?? error, sql: "upsert into \(R.schema.name)")
        }
    }

    /// How a batch reaches its table.
    enum LoadPath {
        /// `COPY` into staging, then `INSERT … ON CONFLICT DO UPDATE`: keys maintained row by row.
        case upsert
        /// `COPY` into staging, delete the rows it replaces, insert with the keys dropped, rebuild.
        case replaceRebuildingKeys
        /// The table is empty: drop the keys, `COPY` straight into it, rebuild.
        case copyIntoEmptyTable
    }

    /// Maintaining B-tree keys row by row costs ~4 µs a row on the measured server, a sorted
    /// rebuild ~1 µs; so a batch at least as large as the table loads faster with the keys
    /// dropped and rebuilt (PostgreSQL's own advice for populating a database).
    func loadPath(_ schema: TableSchema, batch: Int, on connection: PostgresConnection) async throws -> LoadPath {
        guard batch >= bulkRebuildThreshold, !schema.generatedID else { return .upsert }
        let rows = try await Self.run(
            SQLStatement(
                "SELECT EXISTS (SELECT 1 FROM \(schema.name)), (SELECT reltuples FROM pg_class WHERE oid = '\(schema.name)'::regclass)"
            ), on: connection, logger: logger)
        guard let row = rows.first, row.count == 2 else { return .upsert }
        if row[0].int == 0 { return .copyIntoEmptyTable }
        // reltuples is -1 until the table is first analysed: then assume it is large.
        guard let estimate = row[1].doubleValue, estimate >= 0, Double(batch) >= estimate else { return .upsert }
        return .replaceRebuildingKeys
    }

    /// Loads `rows` into their table inside the caller's transaction. The bulk paths take an
    /// exclusive lock on the table until commit (readers see the old rows until then), which
    /// only large initial or catch-up loads do.
    func copyUpsert<R: StoreRecord>(_ rows: [R], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let schema = R.schema
        let columns = schema.columnNames.joined(separator: ", ")
        let staging = "_load_\(schema.name)"
        do {
            if rows.count <= Self.directInsertLimit {
                return try await insertDirectly(rows, on: connection)
            }
            switch try await loadPath(schema, batch: rows.count, on: connection) {
            case .copyIntoEmptyTable:
                try await run(dropKeys(schema), on: connection)
                try await copy(rows, into: schema.name, on: connection)
                try await run(rebuildKeys(schema), on: connection)
            case .replaceRebuildingKeys:
                try await copyIntoStaging(rows, staging: staging, on: connection)
                let match = schema.primaryKey.map { "t.\($0) = s.\($0)" }.joined(separator: " AND ")
                try await run(
                    ["DELETE FROM \(schema.name) t USING \(staging) s WHERE \(match)"] + dropKeys(schema)
                        + ["INSERT INTO \(schema.name) (\(columns)) SELECT \(columns) FROM \(staging)"]
                        + rebuildKeys(schema),
                    on: connection)
            case .upsert:
                try await copyIntoStaging(rows, staging: staging, on: connection)
                try await run([schema.upsertStatement(source: "SELECT \(columns) FROM \(staging)")], on: connection)
            }
        } catch let error as PSQLError where ["21000", "23505"].contains(error.serverInfo?[.sqlState]) {
            // 21000: ON CONFLICT met a key twice; 23505: the rebuilt primary key found a duplicate.
            throw StockSchoolError.invalidValue(
                table: schema.name, column: schema.primaryKey.joined(separator: ","), row: "one batch",
                reason: "the same key appears more than once in one batch")
        }
    }

    /// Batches up to this size go in as one parameterised `INSERT … ON CONFLICT`: one round trip
    /// instead of three (staging table, `COPY`, merge), which is what a sync unit's checkpoint
    /// and quality report cost otherwise.
    static let directInsertLimit = 16

    func insertDirectly<R: StoreRecord>(_ rows: [R], on connection: PostgresConnection) async throws {
        let schema = R.schema
        var encoder = SQLValueRowEncoder(schema: schema)
        for row in rows {
            encoder.startRow()
            try row.encodeChecked(to: &encoder)
        }
        let tuple = "(" + Array(repeating: "?", count: schema.columns.count).joined(separator: ", ") + ")"
        let sql = schema.upsertStatement(
            source: "VALUES " + Array(repeating: tuple, count: rows.count).joined(separator: ", "))
        _ = try await Self.run(SQLStatement(sql, encoder.values), on: connection, logger: logger)
    }

    func dropKeys(_ schema: TableSchema) -> [String] {
        schema.secondaryIndexes(.postgres).map { "DROP INDEX IF EXISTS \($0.name)" }
            + ["ALTER TABLE \(schema.name) DROP CONSTRAINT \(schema.primaryKeyName)"]
    }

    func rebuildKeys(_ schema: TableSchema) -> [String] {
        [
            "ALTER TABLE \(schema.name) ADD CONSTRAINT \(schema.primaryKeyName) PRIMARY KEY (\(schema.primaryKey.joined(separator: ", ")))"
        ] + schema.secondaryIndexes(.postgres).map(\.create)
    }

    func run(_ statements: [String], on connection: PostgresConnection) async throws {
        for statement in statements {
            _ = try await Self.run(SQLStatement(statement), on: connection, logger: logger)
        }
    }

    /// A session temporary table, emptied at every commit: created once per connection, it costs
    /// no catalog churn per batch and is invisible to other sessions.
    func copyIntoStaging<R: StoreRecord>(_ rows: [R], staging: String, on connection: PostgresConnection) async throws {
        try await run(
            [
                "CREATE TEMP TABLE IF NOT EXISTS \(staging) (LIKE \(R.schema.name) INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            ],
            on: connection)
        try await copy(rows, into: staging, on: connection)
    }

    /// Streams rows as binary `COPY … FROM STDIN` in 1 MiB chunks, validating every value.
    func copy<R: StoreRecord>(_ rows: [R], into table: String, on connection: PostgresConnection) async throws {
        let chunkBytes = 1 << 20
        try await connection.copyFrom(
            table: Self.binaryCopyTarget(table: table, columns: R.schema.columnNames), logger: logger
        ) { writer in
            var encoder = PostgresBinaryCopyEncoder(schema: R.schema, capacity: chunkBytes + 4096)
            var next = 0
            repeat {
                next = try encoder.encode(rows, from: next, untilBytes: chunkBytes)
                if next == rows.count { encoder.finish() }
                var chunk = ByteBufferAllocator().buffer(capacity: encoder.count)
                encoder.drain(into: &chunk)
                try await writer.write(chunk)
            } while next < rows.count
        }
    }

    /// What to pass postgres-nio's `copyFrom` as the table name for a binary `COPY`.
    ///
    /// postgres-nio 1.33 only builds `COPY "<table>" … FROM STDIN WITH (FORMAT text)`, putting the
    /// name between double quotes as given. So the name closes its quote itself, names the
    /// columns and the binary format, and leaves the library's own options behind a comment:
    /// `COPY "t" ("a", "b") FROM STDIN WITH (FORMAT binary) --" FROM STDIN WITH (FORMAT text)`.
    /// Table and column names come from our schema, never from input.
    static func binaryCopyTarget(table: String, columns: [String]) -> String {
        precondition(
            !(([table] + columns).contains { $0.contains("\"") || $0.contains("\n") }),
            "schema names are plain identifiers")
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return "\(table)\" (\(list)) FROM STDIN WITH (FORMAT binary) --"
    }

    public func panel(_ request: PanelRequest) async throws -> PanelFrame {
        let (schema, _) = try request.validated()
        var rangeBinds: [SQLValue] = [.integer(Int64(request.start.rawValue)), .integer(Int64(request.end.rawValue))]
        var codeFilter = ""
        if let codes = request.tsCodes {
            codeFilter = " AND ts_code = ANY(?::text[])"
            rangeBinds.append(.text("{" + codes.map(\.description).joined(separator: ",") + "}"))
        }
        let binds = rangeBinds
        let fields = request.fields
        let sql =
            "SELECT trade_date, ts_code, \(fields.joined(separator: ", ")) FROM \(schema.name) WHERE trade_date BETWEEN ? AND ?\(codeFilter) ORDER BY trade_date, ts_code"
        do {
            return try await client.withConnection { connection in
                var bindings = PostgresBindings()
                for value in binds { bindings.append(InferredText(value.string ?? "")) }
                var builder = DateMajorPanelBuilder(fieldCount: fields.count)
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: numberedPlaceholders(sql), binds: bindings), logger: self.logger)
                for try await row in rows {
                    var cells = row.makeIterator()
                    guard let dateCell = cells.next(), let codeCell = cells.next() else { continue }
                    try builder.row(date: try dateCell.decode(Int32.self), code: try codeCell.decode(String.self))
                    while let cell = cells.next() {
                        builder.append(try cell.decode(Double?.self) ?? .nan)
                    }
                }
                return builder.build(fields: fields)
            }
        } catch let error as StockSchoolError {
            throw error
        } catch {
            throw PostgresFailure(error, sql: sql)
        }
    }

    public func close() async throws {
        runTask.cancel()
        await runTask.value
    }
}

/// Remembers the statement a transaction was running when it failed.
final class FailingStatement: @unchecked Sendable {
    // @unchecked: written and read by one task, sequentially, inside one transaction.
    var sql = ""
}

/// A bind sent as text with no declared type, so the server infers it from context, as libpq
/// does: `'2024-01-02T00:00:00Z'` becomes a `timestamptz`, `'20240102'` an `integer`.
struct InferredText: PostgresNonThrowingEncodable {
    let text: String
    init(_ text: String) { self.text = text }
    static var psqlType: PostgresDataType { PostgresDataType(0) }
    static var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        buffer.writeString(text)
    }
}

/// A PostgreSQL error with the server's own message (postgres-nio hides it by default to avoid
/// leaking data into logs; the CLI user needs it).
struct PostgresFailure: Error, CustomStringConvertible {
    let description: String

    init(_ error: any Error, sql: String) {
        self.description = "PostgreSQL: \(Self.describe(error)) (in: \(sql.prefix(200)))"
    }

    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
                return describe(inner)
            }
        }
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let state = psql.serverInfo?[.sqlState].map { " [SQLSTATE \($0)]" } ?? ""
                return message + state
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        if let error = error as? StockSchoolError { return error.description }
        return "\(error)"
    }
}
