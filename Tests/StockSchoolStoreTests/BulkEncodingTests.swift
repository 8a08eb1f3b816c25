import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolStore

/// Every column type through each backend's bulk path (PostgreSQL's binary `COPY`, SQLite's
/// multi-row binds): batches above `PostgresStore.directInsertLimit`, with the values that an
/// encoder gets wrong first — escapes, NULLs, extremes, instants before PostgreSQL's epoch.
@Suite struct BulkEncodingTests {
    /// One of each column type, in a table of its own.
    struct Probe: StoreRecord, Equatable {
        var id: Int64
        var label: String?
        var day: TradeDate?
        var amount: Double?
        var count: Int64?
        var at: Timestamp?
        var flag: Bool?

        static let schema = TableSchema(
            name: "bulk_probe",
            columns: [
                Column("id", .integer, nullable: false), Column("label", .text), Column("day", .date),
                Column("amount", .double), Column("count", .integer), Column("at", .timestamp),
                Column("flag", .boolean),
            ],
            primaryKey: ["id"])

        var rowKey: String { "id \(id)" }

        func encode<E: RowEncoder>(to encoder: inout E) throws(ColumnViolation) {
            try encoder.integer(id)
            try encoder.text(label)
            try encoder.date(day)
            try encoder.double(amount)
            try encoder.integer(count)
            try encoder.timestamp(at)
            try encoder.boolean(flag)
        }

        init<D: RowDecoder>(from decoder: inout D) throws(StockSchoolError) {
            id = try decoder.requiredInteger("id", "bulk_probe")
            label = try decoder.text()
            day = try decoder.date()
            amount = try decoder.double()
            count = try decoder.integer()
            at = try decoder.timestamp()
            flag = try decoder.boolean()
        }

        init(id: Int64, label: String?, day: TradeDate?, amount: Double?, count: Int64?, at: Timestamp?, flag: Bool?) {
            (self.id, self.label, self.day, self.amount, self.count, self.at, self.flag) =
                (id, label, day, amount, count, at, flag)
        }
    }

    static let labels: [String?] = [
        "plain", "tab\there", "back\\slash", "line\nbreak", "carriage\rreturn", "浦发银行", "", nil, "\\N",
        "emoji 📈 and quote \" '",
    ]
    static let amounts: [Double?] = [
        0, 10.23, -1e-300, 1.7976931348623157e308, .leastNonzeroMagnitude, 0.1 + 0.2, 123_456_789.987_654_321,
        nil, -42.5, 3e-5,
    ]
    static let counts: [Int64?] = [0, 1, -1, .max, .min, nil, 20_240_102, 1 << 53 + 1, -999, 7]
    /// Seconds since 1970, each exact in binary so it survives as microseconds: 2000-01-01 itself,
    /// instants before and after it, one before 1970.
    static let instants: [Timestamp?] = [
        946_684_800, 946_684_799.75, 946_684_800.5, 1_700_000_000.125, -86_400.25, nil, 0, 1_234_567_890.5,
        4_102_444_800, 1_000_000_000.000_125,
    ].map { $0.map(Timestamp.init(secondsSinceEpoch:)) }

    static let probes: [Probe] = (0..<40).map { i in
        Probe(
            id: Int64(i), label: labels[i % labels.count],
            day: i % 7 == 3 ? nil : TradeDate(unchecked: Int32(2024_01_01 + i % 28)),
            amount: amounts[i % amounts.count], count: counts[(i / 2) % counts.count],
            at: instants[(i * 3) % instants.count], flag: i % 5 == 4 ? nil : i % 2 == 0)
    }

    @Test(arguments: TestBackend.available)
    func everyColumnTypeRoundTripsInALargeBatch(_ backend: TestBackend) async throws {
        #expect(Self.probes.count > PostgresStore.directInsertLimit)
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            for statement in Probe.schema.createStatements(store.dialect) {
                try await store.query(SQLStatement(statement))
            }
            try await store.upsert(Self.probes)
            let back = try await store.read(Probe.self).sorted { $0.id < $1.id }
            #expect(back.count == Self.probes.count)
            for (read, written) in zip(back, Self.probes) {
                #expect(read == written, "row \(written.id)")
            }
            // And again: every key conflicts, so the rows go through the merge path.
            let changed = Self.probes.map { probe in
                var probe = probe
                probe.label = probe.label.map { "\($0)!" }
                return probe
            }
            try await store.upsert(changed)
            #expect(try await store.read(Probe.self).sorted { $0.id < $1.id } == changed)
        }
    }

    @Test(arguments: TestBackend.available)
    func anInfiniteValueLateInABatchNamesItsRowAndWritesNothing(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            for statement in Probe.schema.createStatements(store.dialect) {
                try await store.query(SQLStatement(statement))
            }
            var batch = Self.probes
            batch[37].amount = .infinity
            await #expect(
                throws: StockSchoolError.invalidValue(
                    table: "bulk_probe", column: "amount", row: "id 37", reason: "inf is not a finite number")
            ) {
                try await store.upsert(batch)
            }
            #expect(try await store.read(Probe.self).isEmpty)
        }
    }

    @Test func theBinaryCopyStatementNamesColumnsAndFormat() {
        let target = PostgresStore.binaryCopyTarget(table: "_load_stock_daily", columns: ["ts_code", "trade_date"])
        // What postgres-nio 1.33 wraps it in (`COPY "<table>" FROM STDIN WITH (FORMAT text)`):
        #expect(
            "COPY \"\(target)\" FROM STDIN WITH (FORMAT text)"
                == "COPY \"_load_stock_daily\" (\"ts_code\", \"trade_date\") FROM STDIN WITH (FORMAT binary) --\" FROM STDIN WITH (FORMAT text)"
        )
    }
}
