import Foundation
import Testing

@testable import StockSchoolCore

@Suite struct ConfigurationTests {
    @Test func defaultsNeedNoConfiguration() throws {
        let c = try StockSchoolConfiguration.load(yaml: nil, environment: [:])
        #expect(c.databaseURL == "sqlite:///./data/stockschool.sqlite")
        #expect(c.redisURL == nil)
        #expect(c.serverPort == 8080)
    }

    @Test func fileOverridesDefaultsAndEnvironmentOverridesFile() throws {
        let yaml = """
            database:
              url: postgres://a:b@db:5432/x
            server:
              port: 9000
            sample:
              stocks: 50
            """
        let fromFile = try StockSchoolConfiguration.load(yaml: yaml, environment: [:])
        #expect(fromFile.databaseURL == "postgres://a:b@db:5432/x")
        #expect(fromFile.serverPort == 9000)
        #expect(fromFile.sampleStocks == 50)
        let overridden = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_SERVER_PORT": "9100", "TUSHARE_TOKEN": "abc"])
        #expect(overridden.serverPort == 9100)
        #expect(overridden.tushareToken == "abc")
    }

    @Test func theStockSchoolNameWinsOverTheEcosystemAlias() throws {
        let c = try StockSchoolConfiguration.load(
            yaml: nil, environment: ["TUSHARE_TOKEN": "alias", "STOCKSCHOOL_TUSHARE_TOKEN": "own"])
        #expect(c.tushareToken == "own")
    }

    @Test func unknownKeyIsAnErrorNamingKeyAndLine() {
        let yaml = "server:\n  port: 8080\ndatabse:\n  url: x\n"
        #expect {
            try StockSchoolConfiguration.load(yaml: yaml, environment: [:])
        } throws: { error in
            guard case .invalidConfiguration(let key, let source, _) = error as? StockSchoolError else { return false }
            return key == "databse.url" && source == "stockschool.yaml line 4"
        }
    }

    @Test func badValueNamesTheEnvironmentVariable() {
        #expect {
            try StockSchoolConfiguration.load(yaml: nil, environment: ["STOCKSCHOOL_PORT": "eighty"])
        } throws: { error in
            guard case .invalidConfiguration(let key, let source, let reason) = error as? StockSchoolError else {
                return false
            }
            return key == "server.port" && source == "environment variable STOCKSCHOOL_PORT"
                && reason.contains("eighty")
        }
    }

    @Test func theScoreModelIsConfigurable() throws {
        let yaml = "score:\n  set: value\n  weighting: ic\n  window: 120\n"
        let configuration = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_SCORE_HORIZON": "10"])
        #expect(configuration.scoreSet == "value" && configuration.scoreWeighting == "ic")
        #expect(configuration.scoreWindow == 120 && configuration.scoreHorizon == 10)
        #expect {
            try StockSchoolConfiguration.load(yaml: "score:\n  weighting: best\n", environment: [:])
        } throws: { error in
            guard case .invalidConfiguration(let key, let source, let reason) = error as? StockSchoolError else {
                return false
            }
            return key == "score.weighting" && source == "stockschool.yaml line 2" && reason.contains("best")
        }
    }

    @Test func tushareLimitsAreSetPerAPI() throws {
        let yaml = """
            tushare:
              limits:
                daily: 2000
                stock_basic: 0
            """
        let configuration = try StockSchoolConfiguration.load(
            yaml: yaml, environment: ["STOCKSCHOOL_TUSHARE_LIMITS_ADJ_FACTOR": "800"])
        #expect(configuration.tushareLimits == ["daily": 2000, "stock_basic": 0, "adj_factor": 800])
        #expect {
            try StockSchoolConfiguration.load(yaml: "tushare:\n  limits:\n    daily: -5\n", environment: [:])
        } throws: { error in
            guard case .invalidConfiguration(let key, let source, _) = error as? StockSchoolError else { return false }
            return key == "tushare.limits.daily" && source == "stockschool.yaml line 3"
        }
    }

    @Test func malformedYAMLIsAnError() {
        #expect(throws: StockSchoolError.self) {
            try StockSchoolConfiguration.load(yaml: "server: [1, 2\n", environment: [:])
        }
        #expect(throws: StockSchoolError.self) {
            try StockSchoolConfiguration.load(yaml: "server:\n  port:\n    - 1\n", environment: [:])
        }
    }

    @Test func sampleRangeMustBeOrdered() {
        #expect(throws: StockSchoolError.self) {
            try StockSchoolConfiguration.load(
                yaml: nil, environment: ["STOCKSCHOOL_SAMPLE_START": "20240102", "STOCKSCHOOL_SAMPLE_END": "20230102"])
        }
    }

    /// The manual's cache settings are the defaults; both can be changed, within a day.
    @Test func cacheLifetimesAreConfigurable() throws {
        let defaults = try StockSchoolConfiguration.load(yaml: nil, environment: [:])
        #expect(defaults.cacheDataTTL == 300 && defaults.cacheListTTL == 600)
        let set = try StockSchoolConfiguration.load(
            yaml: "cache:\n  data_ttl: 60\n", environment: ["STOCKSCHOOL_CACHE_LIST_TTL": "120"])
        #expect(set.cacheDataTTL == 60 && set.cacheListTTL == 120)
        #expect(throws: StockSchoolError.self) {
            try StockSchoolConfiguration.load(yaml: nil, environment: ["STOCKSCHOOL_CACHE_DATA_TTL": "0"])
        }
    }
}

/// `fernet:` values in the configuration file and environment (docs/configuration.md).
@Suite struct EncryptedConfigurationTests {
    // The Fernet spec's key and its "hello" token (github.com/fernet/spec, generate.json).
    static let key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let hello =
        "fernet:gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="

    @Test func encryptedValueIsDecryptedWithTheEnvironmentKey() throws {
        let yaml = "tushare:\n  token: \"\(Self.hello)\"\n"
        let c = try StockSchoolConfiguration.load(yaml: yaml, environment: ["STOCKSCHOOL_SECRET_KEY": Self.key])
        #expect(c.tushareToken == "hello")
        let fromEnvironment = try StockSchoolConfiguration.load(
            yaml: nil, environment: ["STOCKSCHOOL_SECRET_KEY": Self.key, "TUSHARE_TOKEN": Self.hello])
        #expect(fromEnvironment.tushareToken == "hello")
    }

    @Test func missingKeyNamesTheConfigKeyAndLine() {
        let yaml = "server:\n  port: 8080\ntushare:\n  token: \"\(Self.hello)\"\n"
        do {
            _ = try StockSchoolConfiguration.load(yaml: yaml, fileName: "prod.yaml", environment: [:])
            Issue.record("loaded without a key")
        } catch {
            guard case .invalidConfiguration(let key, let source, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(key == "tushare.token")
            #expect(source == "prod.yaml line 4")
            #expect(reason.contains("STOCKSCHOOL_SECRET_KEY"))
        }
    }

    @Test func wrongKeyOrBadTokenIsAClearError() {
        let other = FernetKey.generate().base64
        let yaml = "tushare:\n  token: \"\(Self.hello)\"\n"
        #expect {
            _ = try StockSchoolConfiguration.load(yaml: yaml, environment: ["STOCKSCHOOL_SECRET_KEY": other])
        } throws: { error in
            "\(error)".contains("tushare.token") && "\(error)".contains("HMAC") && "\(error)".contains("line 2")
        }
        #expect {
            _ = try StockSchoolConfiguration.load(
                yaml: "tushare:\n  token: \"fernet:not-a-token\"\n", environment: ["STOCKSCHOOL_SECRET_KEY": Self.key])
        } throws: { error in
            "\(error)".contains("tushare.token") && "\(error)".contains("base64")
        }
    }

    @Test func keyFileFromTheEnvironment() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ss-key-\(UUID().uuidString)").path
        try (Self.key + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try StockSchoolConfiguration.load(
            yaml: "tushare:\n  token: \"\(Self.hello)\"\n", environment: ["STOCKSCHOOL_SECRET_KEY_FILE": path])
        #expect(c.tushareToken == "hello")
    }
}
