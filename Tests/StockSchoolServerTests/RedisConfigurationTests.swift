import StockSchoolRedis
import StockSchoolServer
import Testing

@Suite struct RedisConfigurationTests {
    @Test func hostAloneTakesTheDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
    }

    @Test func passwordWithoutUser() throws {
        let configuration = try RedisConfiguration(url: "redis://:secret@127.0.0.1:6380/2")
        #expect(configuration.username == nil)
        #expect(configuration.password == "secret")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 2)
        #expect(configuration.address == "127.0.0.1:6380")
    }

    @Test func userAndPercentEncodedPassword() throws {
        let configuration = try RedisConfiguration(url: "redis://alice:p%40ss%3Aw@redis.internal:7000/15")
        #expect(configuration.username == "alice")
        #expect(configuration.password == "p@ss:w")
        #expect(configuration.host == "redis.internal")
        #expect(configuration.database == 15)
    }

    @Test func ipv6InBrackets() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390/1")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6390)
        #expect(configuration.address == "[::1]:6390")
    }

    @Test func trailingSlashIsDatabaseZero() throws {
        #expect(try RedisConfiguration(url: "redis://h:1/").database == 0)
    }

    /// Each malformed URL, with a fragment the message must contain to say what is wrong.
    @Test(arguments: [
        ("localhost:6379", "no scheme"),
        ("http://localhost", "'http'"),
        ("rediss://localhost", "TLS"),
        ("redis://", "no host"),
        ("redis://:6379", "no host"),
        ("redis://host:99999", "port '99999'"),
        ("redis://host:abc", "port 'abc'"),
        ("redis://host/abc", "database '/abc'"),
        ("redis://host/-1", "database '/-1'"),
        ("redis://host?db=1", "'?db=1'"),
        ("redis://::1:6379", "brackets"),
        ("redis://user:@host", "password after ':' is empty"),
        ("redis://hunter2@host", "need a ':'"),
    ])
    func malformedURLSaysWhatIsWrong(url: String, fragment: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            guard case .invalidURL = error as? RedisError else { return false }
            return "\(error)".contains(fragment)
        }
    }

    @Test func errorsNeverShowThePassword() {
        for url in ["redis://u:hunter2@host:99999", "redis://hunter2@host"] {
            #expect {
                _ = try RedisConfiguration(url: url)
            } throws: { error in
                !"\(error)".contains("hunter2") && "\(error)".contains("***")
            }
        }
        #expect(RedisConfiguration.maskingPassword(in: "redis://u:hunter2@h:1/0") == "redis://u:***@h:1/0")
        #expect(RedisConfiguration.maskingPassword(in: "redis://h:1/0") == "redis://h:1/0")
    }

    @Test func connectionRefusedNamesHostAndPort() async throws {
        // Port 1 (tcpmux) is reserved and nothing listens on it in a test environment.
        var configuration = RedisConfiguration(host: "127.0.0.1", port: 1)
        configuration.connectTimeout = .seconds(2)
        await #expect {
            _ = try await RedisConnection.connect(configuration)
        } throws: { error in
            guard case .connectionFailed = error as? RedisError else { return false }
            return "\(error)".contains("127.0.0.1:1") && "\(error)".contains("refused")
        }
    }
}
