import Foundation

/// The Redis server `scripts/test.sh` started, for tests of the Redis client and cache.
///
/// Like PostgreSQL (`TestBackend`), Redis tests run when the script exported its URL and always
/// in CI, where a missing server must fail the tests rather than skip them.
public enum TestRedis {
    /// Whether Redis tests should run: the server is there, or CI demands it.
    public static var isEnabled: Bool {
        TestEnvironment.redisURL != nil || TestEnvironment.isCI
    }

    /// `STOCKSCHOOL_TEST_REDIS_URL` (`redis://127.0.0.1:PORT/0`); throws `MissingTestServer`
    /// when it is not set.
    public static func url() throws -> String {
        guard let url = TestEnvironment.redisURL else {
            throw MissingTestServer(
                description:
                    "CI=true but STOCKSCHOOL_TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis"
            )
        }
        return url
    }

    /// A key prefix no other test uses, so tests share one server and run in parallel.
    public static func uniquePrefix(_ label: String = "test") -> String {
        "sstest:\(label):\(UUID().uuidString.prefix(8).lowercased()):"
    }
}
