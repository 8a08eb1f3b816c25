import Foundation
import StockSchoolCore
import StockSchoolTestSupport
import Testing

@testable import StockSchoolServer

/// The bounds on one request (`api.max_*`, `api.evaluation_timeout`) come from configuration: a
/// server built from a loaded `stockschool.yaml` refuses what its defaults would allow.
@Suite struct APILimitsTests {
    static let yaml = """
        api:
          max_range_days: 30
          max_body_bytes: 2048
          max_expression_length: 12
          max_evaluation_factors: 2
          evaluation_timeout: 7
        """

    @Test func configuredLimitsReachTheServerSettings() throws {
        let settings = ServerSettings(try StockSchoolConfiguration.load(yaml: Self.yaml, environment: [:]))
        #expect(settings.maximumRangeDays == 30)
        #expect(settings.maximumBodyBytes == 2048)
        #expect(settings.maximumExpressionLength == 12)
        #expect(settings.maximumEvaluationFactors == 2)
        #expect(settings.evaluationTimeout == .seconds(7))
        // Without a file, the documented defaults (docs/configuration.md).
        let defaults = ServerSettings(try StockSchoolConfiguration.load(yaml: nil, environment: [:]))
        #expect(defaults.maximumRangeDays == 3660)
        #expect(defaults.maximumBodyBytes == 65_536)
        #expect(defaults.maximumExpressionLength == 2000)
        #expect(defaults.maximumEvaluationFactors == 20)
        #expect(defaults.evaluationTimeout == .seconds(120))
    }

    @Test(arguments: TestBackend.available)
    func tighterLimitsRefuseWhatTheDefaultsAllow(_ backend: TestBackend) async throws {
        let configured = ServerSettings(try StockSchoolConfiguration.load(yaml: Self.yaml, environment: [:]))
        try await TestServer.with(
            backend,
            settings: {
                $0.maximumRangeDays = configured.maximumRangeDays
                $0.maximumBodyBytes = configured.maximumBodyBytes
                $0.maximumExpressionLength = configured.maximumExpressionLength
                $0.maximumEvaluationFactors = configured.maximumEvaluationFactors
            }
        ) { server in
            let code = try #require(
                try await server.get("/api/v1/stocks?page_size=1").items.first?["ts_code"] as? String)
            // 30 days is within the limit, 31 is not.
            let month = try await server.get("/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240201")
            #expect(month.status == 200, "\(month.text)")
            let longer = try await server.get("/api/v1/stocks/\(code)/daily?start_date=20240102&end_date=20240202")
            #expect(longer.status == 400 && longer.errorCode == "invalid_parameter", "\(longer.text)")
            #expect(
                ((longer.json["error"] as? [String: Any])?["details"] as? [String: String])?["parameter"]
                    == "end_date")

            let analyst = try await WriteRoutesTests.bearer(server, .analyst)
            for (body, field) in [
                (#"{"expression": "Mean($close,5)/$close"}"#, "expression"),
                (#"{"factors": ["ROC5", "MA5", "STD5"]}"#, "factors"),
            ] {
                let answer = try await server.post("/api/v1/factors/evaluate", json: body, headers: analyst)
                #expect(answer.status == 400 && answer.errorCode == "invalid_body", "\(body): \(answer.text)")
                #expect(
                    ((answer.json["error"] as? [String: Any])?["details"] as? [String: String])?["field"] == field,
                    "\(body)")
            }
            let padded = #"{"expression": "$close", "pad": ""# + String(repeating: "x", count: 2100) + #""}"#
            let tooLarge = try await server.post("/api/v1/factors/evaluate", json: padded, headers: analyst)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large", "\(tooLarge.text)")
            // Within every limit (the evaluated range too): answered.
            let april = #""start_date": "20240401", "end_date": "20240430""#
            let fine = try await server.post(
                "/api/v1/factors/evaluate", json: #"{"factors": ["ROC5", "MA5"], "horizons": [1], \#(april)}"#,
                headers: analyst)
            #expect(fine.status == 200, "\(fine.text)")
        }
    }

    /// Evaluations answered in the request run one at a time: one queued behind another until
    /// its limit passes answers 503 without starting; alone, the same request answers 200.
    @Test(arguments: TestBackend.available)
    func evaluationsRunOneAtATime(_ backend: TestBackend) async throws {
        try await TestServer.with(backend, settings: { $0.evaluationTimeout = .seconds(8) }) { server in
            let analyst = try await WriteRoutesTests.bearer(server, .analyst)
            let body = #"{"factors": ["ROC5"], "horizons": [1], "start_date": "20240401", "end_date": "20240430"}"#
            // The test holds the queue, as an evaluation in progress would.
            await server.services.evaluations.enter()
            let queued = try await server.post("/api/v1/factors/evaluate", json: body, headers: analyst)
            server.services.evaluations.leave()
            #expect(queued.status == 503 && queued.errorCode == "evaluation_timeout", "\(queued.text)")
            let alone = try await server.post("/api/v1/factors/evaluate", json: body, headers: analyst)
            #expect(alone.status == 200, "\(alone.text)")
        }
    }
}
