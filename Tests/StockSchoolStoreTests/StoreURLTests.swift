import StockSchoolCore
import Testing

@testable import StockSchoolStore

@Suite struct StoreURLTests {
    @Test func sqlitePaths() throws {
        #expect(try StoreURL("sqlite:///var/lib/ss.sqlite") == .sqlite(path: "/var/lib/ss.sqlite"))
        #expect(try StoreURL("sqlite:///./data/stockschool.sqlite") == .sqlite(path: "./data/stockschool.sqlite"))
        #expect(try StoreURL("sqlite://relative.sqlite") == .sqlite(path: "relative.sqlite"))
    }

    @Test func postgresURLs() throws {
        guard case .postgres(let location) = try StoreURL("postgres://ss:p%40ss@db.local:6543/research?sslmode=require")
        else {
            Issue.record("not parsed as postgres")
            return
        }
        #expect(location.host == "db.local")
        #expect(location.port == 6543)
        #expect(location.username == "ss")
        #expect(location.password == "p@ss")
        #expect(location.database == "research")
        #expect(location.requireTLS)
    }

    @Test(arguments: [
        "mysql://x/y", "sqlite://", "postgres://localhost/db", "postgres://u@host",
        "postgres://u@host/db?sslmode=verify",
    ])
    func rejectsBadURLs(_ text: String) {
        #expect(throws: StockSchoolError.self) { try StoreURL(text) }
    }

    @Test func masksPasswords() {
        #expect(StoreURL.masked("postgres://u:secret@h:5432/db") == "postgres://u:***@h:5432/db")
        #expect(StoreURL.masked("postgres://u@h/db") == "postgres://u@h/db")
        #expect(StoreURL.masked("sqlite:///a.sqlite") == "sqlite:///a.sqlite")
    }
}
