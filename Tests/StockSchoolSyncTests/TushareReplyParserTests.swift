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
}
