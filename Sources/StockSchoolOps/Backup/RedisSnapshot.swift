import Foundation
import StockSchoolRedis

/// The cache's RDB snapshot, fetched over the network with `redis-cli --rdb` (the replication
/// protocol), so it works when Redis runs on another host or in a container. Restores do not load
/// it back: the cache refills itself; the full-system runbook puts it in Redis's data directory.
enum RedisSnapshot {
    static let fileName = "redis.rdb"

    static func take(url: String, to path: String) async throws {
        let configuration = try RedisConfiguration(url: url)
        let redisCLI = try ExternalCommand.require("redis-cli", package: "redis-tools")
        var arguments = ["-h", configuration.host, "-p", String(configuration.port)]
        if let user = configuration.username { arguments += ["--user", user] }
        arguments += ["--rdb", path]
        var environment: [String: String] = [:]
        if let password = configuration.password { environment["REDISCLI_AUTH"] = password }
        try await ExternalCommand(executable: redisCLI, arguments: arguments, environment: environment).run()
        try checkHeader(path)
    }

    /// An RDB file starts with `REDIS` and a four-digit version.
    static func checkHeader(_ path: String) throws(BackupError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "the Redis snapshot was not written")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 9)) ?? Data()
        guard head.count == 9, head.prefix(5) == Data("REDIS".utf8) else {
            throw .emptyDump(file: "\(path) (not an RDB file)")
        }
    }
}
