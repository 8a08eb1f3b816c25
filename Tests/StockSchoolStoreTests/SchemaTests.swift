import Testing

@testable import StockSchoolStore

@Suite struct SchemaTests {
    @Test func everyMarketTableIsKeyedByDateAndCodeWithAPerStockPath() {
        for table in [Schema.stockDaily, Schema.adjFactor, Schema.dailyBasic, Schema.indexDaily] {
            #expect(table.primaryKey == ["trade_date", "ts_code"])
            #expect(table.postgresIndexes.contains(["ts_code", "trade_date"]))
            #expect(
                table.createStatements(.postgres).contains { $0.contains("ON \(table.name) (ts_code, trade_date)") })
            #expect(table.createStatements(.sqlite).contains { $0.contains("INSERT INTO sqlite_stat1") })
        }
    }

    @Test func theIssueTablesExist() {
        let names = Set(Schema.tables.map(\.name))
        for name in [
            "stock_basic", "trade_cal", "stock_daily", "adj_factor", "daily_basic", "index_daily", "sync_state",
            "sync_runs", "quality_reports", "schema_migrations", "index_weight",
        ] {
            #expect(names.contains(name))
        }
    }

    @Test func ddlDiffersOnlyInTypes() {
        let sqlite = Schema.stockDaily.createStatements(.sqlite)[0]
        let postgres = Schema.stockDaily.createStatements(.postgres)[0]
        #expect(sqlite.contains("close REAL NOT NULL"))
        #expect(postgres.contains("close DOUBLE PRECISION NOT NULL"))
        #expect(sqlite.hasSuffix("WITHOUT ROWID"))
        #expect(postgres.contains("PRIMARY KEY (trade_date, ts_code)"))
        #expect(postgres.contains("ts_code TEXT COLLATE \"C\" NOT NULL"))
    }

    @Test func placeholdersAreRenumberedOutsideQuotes() {
        #expect(numberedPlaceholders("a = ? AND b = '?' AND c = ?") == "a = $1 AND b = '?' AND c = $2")
    }
}
