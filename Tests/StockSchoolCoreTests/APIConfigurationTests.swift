import Testing

@testable import StockSchoolCore

/// `api.*`: whether reads need a key and the rate limits, from the file and the environment.
@Suite struct APIConfigurationTests {
    @Test func defaultsLeaveReadsOpenWithFloodGuardLimits() throws {
        let c = try StockSchoolConfiguration.load(yaml: nil, environment: [:])
        #expect(c.api.requireKeyForReads == false)
        #expect(c.api.rateLimits == APIRateLimit.defaults)
        #expect(c.api.rateLimits["ip"]?.requestsPerSecond ?? 0 > 20_000)
        #expect(c.api.evaluationTimeoutSeconds == 120)
    }

    @Test func fileAndEnvironmentSetKeysAndLimits() throws {
        let yaml = """
            api:
              require_key_for_reads: true
              evaluation_timeout: 30
              rate_limit:
                ip:
                  rate: 100
                  burst: 200
                admin:
                  rate: 0
            """
        let c = try StockSchoolConfiguration.load(
            yaml: yaml,
            environment: ["STOCKSCHOOL_API_RATE_LIMIT_READER_BURST": "7", "STOCKSCHOOL_API_RATE_LIMIT_IP_RATE": "150"])
        #expect(c.api.requireKeyForReads)
        #expect(c.api.rateLimits["ip"] == APIRateLimit(requestsPerSecond: 150, burst: 200))
        #expect(c.api.rateLimits["admin"]?.requestsPerSecond == 0)
        #expect(c.api.rateLimits["reader"] == APIRateLimit(requestsPerSecond: 500, burst: 7))
        #expect(c.api.evaluationTimeoutSeconds == 30)
        let shorter = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_API_EVALUATION_TIMEOUT": "5"])
        #expect(shorter.api.evaluationTimeoutSeconds == 5)
        let off = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_API_REQUIRE_KEY_FOR_READS": "false"])
        #expect(off.api.requireKeyForReads == false)
    }

    @Test func badValuesNameTheKey() {
        #expect {
            try StockSchoolConfiguration.load(yaml: "api:\n  require_key_for_reads: maybe\n", environment: [:])
        } throws: { error in
            "\(error)".contains("api.require_key_for_reads") && "\(error)".contains("maybe")
        }
        #expect {
            try StockSchoolConfiguration.load(yaml: nil, environment: ["STOCKSCHOOL_API_RATE_LIMIT_ADMIN_BURST": "0"])
        } throws: { error in
            "\(error)".contains("STOCKSCHOOL_API_RATE_LIMIT_ADMIN_BURST")
        }
        #expect {
            try StockSchoolConfiguration.load(yaml: "api:\n  evaluation_timeout: 0\n", environment: [:])
        } throws: { error in
            "\(error)".contains("api.evaluation_timeout") && "\(error)".contains("'0'")
        }
    }
}
