import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// A session-level PostgreSQL advisory lock (`pg_try_advisory_lock`), held on a connection of
/// its own for as long as the leadership lasts.
///
/// Advisory locks belong to the session that took them, so the lock cannot come from the
/// store's pool (the next statement could run on another connection, and a pooled connection
/// outlives any one use). When the holder dies its connection closes and the server frees the
/// lock at once; another process's next `hold()` takes it.
///
/// Call `release()` when done: it closes the session (postgres-nio insists on connections
/// being closed before they are dropped).
public actor PostgresAdvisoryLock: LeaderLock {
    public nonisolated let key: Int64
    let location: StoreURL.PostgresLocation
    let logger: Logger
    var connection: PostgresConnection?
    var held = false

    init(key: Int64, location: StoreURL.PostgresLocation, logger: Logger) {
        self.key = key
        self.location = location
        self.logger = logger
    }

    public func hold() async -> Bool {
        do {
            let connection = try await openConnection()
            if held {
                // The lock lives as long as the session: a session that still answers still has it.
                _ = try await connection.query("SELECT 1", logger: logger).collect()
                return true
            }
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
            for try await taken in rows.decode(Bool.self) { held = taken }
            // A standby keeps no connection between tries: a fleet's standbys would otherwise
            // hold idle sessions for nothing, and one is cheap to open every poll.
            if !held { await dropConnection() }
            return held
        } catch {
            // A broken session has lost the lock too (the server frees it when it notices);
            // start afresh next time.
            logger.warning("advisory lock session failed", metadata: ["error": "\(PostgresFailure.describe(error))"])
            await dropConnection()
            return false
        }
    }

    public func release() async {
        if held, let connection {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).collect()
        }
        await dropConnection()
    }

    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        held = false
        let tls: PostgresConnection.Configuration.TLS =
            location.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let opened = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        connection = opened
        return opened
    }

    private func dropConnection() async {
        held = false
        try? await connection?.close()
        connection = nil
    }
}

extension PostgresStore {
    /// An advisory lock on `key`, on a connection of its own to this store's database.
    public func advisoryLock(key: Int64) -> PostgresAdvisoryLock {
        PostgresAdvisoryLock(key: key, location: location, logger: logger)
    }
}
