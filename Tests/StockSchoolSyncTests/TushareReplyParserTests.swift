import Foundation
import StockSchoolTestSupport
import Testing

@testable import StockSchoolSync

@Suite struct TushareReplyParserTests {
    func parse(_ text: String) throws -> TushareResponse {
        try TushareReplyParser.parse(Array(text.utf8))
    }

    @Test func readsWhatJSONDecoderReads() throws {
        let samples = [
            #"{"code":0,"msg":"","data":{"fields":["ts_code","trade_date","close"],"items":[["600000.SH","20240102",7.05],["000001.SZ","20240102",null]],"has_more":false},"request_id":"abc"}"#,
            #"{ "request_id" : "x", "code" : 40203 , "msg" : "抱歉，您每分钟最多访问该接口500次", "data" : null }"#,
            #"{"code":0,"data":{"fields":["name"],"items":[["\u6d66\u53d1\u94f6\u884c \"A\"\\n\ud83d\ude00"]],"has_more":true,"extra":{"a":[1,2,{"b":null}]}}}"#,
            #"{"code":0,"data":{"fields":["x"],"items":[[-1.5e-3],[1E+2],[0],[true],[false]]}}"#,
        ]
        for sample in samples {
            let expected = try JSONDecoder().decode(TushareResponse.self, from: Data(sample.utf8))
            #expect(try parse(sample) == expected, "\(sample)")
        }
        #expect(try parse(samples[2]).data?.items.first?.first == .string("浦发银行 \"A\"\\n😀"))
    }

    @Test func theFixtureWritesJSONBothParsersReadBack() throws {
        let reply = TushareResponse(
            code: 0, msg: "ok \"quoted\" \\ tab\t",
            data: .init(
                fields: ["ts_code", "name", "close"],
                items: [
                    [.string("600000.SH"), .string("浦发银行\n\u{1}"), .number(7.05)],
                    [.null, .string(""), .number(-1e-7)],
                ],
                hasMore: false),
            requestID: "r-1")
        let text = FixtureReplies.json(reply)
        #expect(try JSONDecoder().decode(TushareResponse.self, from: Data(text.utf8)) == reply)
        #expect(try parse(text) == reply)
    }

    @Test(arguments: [
        "", "{", #"{"code":0"#, #"{"msg":"x"}"#, #"{"code":"0"}"#,
        #"{"code":0,"data":{"fields":["a"],"items":[[1,]]}}"#,
        #"{"code":0}x"#, #"{"code":0,"data":{"items":[["a]]}}"#, #"{"code":0,"data":{"items":[[[1]]]}}"#,
        #"{"code":0,"data":{"items":[[nul]]}}"#,
    ])
    func rejectsWhatIsNotAReply(_ text: String) {
        #expect(throws: TushareReplyParser.Invalid.self) { try parse(text) }
    }

    /// The fast path must give exactly the bits a correctly rounded parser (`Double(String)`,
    /// i.e. strtod) gives, and decline what it cannot do exactly.
    @Test func shortDecimalsParseToTheSameBitsAsStrtod() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            var mantissa = String(UInt64.random(in: 0..<UInt64(pow(10, Double(digits))), using: &generator))
            let places = Int.random(in: 0...min(12, mantissa.count + 6), using: &generator)
            if places > 0 {
                if mantissa.count <= places {
                    mantissa = String(repeating: "0", count: places - mantissa.count + 1) + mantissa
                }
                mantissa.insert(".", at: mantissa.index(mantissa.endIndex, offsetBy: -places))
            }
            let text = (Bool.random(using: &generator) ? "-" : "") + mantissa
            let bytes = Array((text + ",").utf8)
            let (value, consumed) = try #require(TushareReplyParser.shortDecimal(bytes, at: 0), "\(text)")
            let expected = try #require(Double(text))
            #expect(value.bitPattern == expected.bitPattern, "\(text)")
            #expect(consumed == text.utf8.count)
        }
        for declined in ["1e5", "1.5E-3", "1234567890123456", "0.00000000000000000000001", "01", "1.", "-"] {
            #expect(TushareReplyParser.shortDecimal(Array((declined + ",").utf8), at: 0) == nil, "\(declined)")
        }
        // What the fast path declines still parses, through strtod.
        let reply = try parse(#"{"code":0,"msg":"","data":{"fields":["a"],"items":[[1e5],[1234567890123456.5]]}}"#)
        #expect(reply.data?.items == [[.number(1e5)], [.number(1234567890123456.5)]])
    }
}
