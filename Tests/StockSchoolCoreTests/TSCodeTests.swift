import Testing

@testable import StockSchoolCore

@Suite struct TSCodeTests {
    @Test(arguments: [
        ("600000.SH", Board.main), ("601318.SH", .main), ("000001.SZ", .main), ("002594.SZ", .main),
        ("300750.SZ", .chiNext), ("301236.SZ", .chiNext), ("688981.SH", .star), ("830799.BJ", .bse),
        ("920002.BJ", .bse), ("900901.SH", .main), ("200002.SZ", .main),
    ])
    func derivesTheBoard(_ text: String, _ board: Board) throws {
        let code = try TSCode(text)
        #expect(code.board == board)
        #expect(code.description == text)
    }

    @Test func indicesHaveNoBoard() throws {
        #expect(try TSCode("000300.SH").board == nil)
        #expect(try TSCode("399001.SZ").board == nil)
    }

    @Test(arguments: [
        "600000.sh", "60000.SH", "6000000.SH", "600000SH", "600000.HK", "60000A.SH", "", "600000.SH ", "６00000.SH",
    ])
    func rejectsMalformedCodes(_ text: String) {
        #expect(throws: StockSchoolError.invalidTSCode(text)) { try TSCode(text) }
    }

    @Test func errorMessageShowsAnExample() {
        #expect(StockSchoolError.invalidTSCode("x").description.contains("600000.SH"))
    }

    @Test func ordersLikeTheString() throws {
        let codes = try ["600000.SH", "000001.SZ", "300750.SZ"].map(TSCode.init)
        #expect(codes.sorted().map(\.description) == ["000001.SZ", "300750.SZ", "600000.SH"])
        // Equal symbols on different exchanges, and a spread of symbols: the order, equality
        // and hashing of codes are those of their text.
        var texts: [String] = []
        for symbol in ["000001", "000002", "300750", "430047", "600000", "688981", "830799", "999999"] {
            for suffix in ["SZ", "BJ", "SH"] { texts.append("\(symbol).\(suffix)") }
        }
        let all = try texts.map(TSCode.init)
        #expect(all.sorted().map(\.description) == texts.sorted())
        #expect(Set(all).count == texts.count)
        #expect(try TSCode("000001.SZ") == TSCode("000001.SZ"))
        #expect(try TSCode("000001.SZ") != TSCode("000001.SH"))
    }
}
