import Logging
import NIOSSL
import PostgresNIO
import StockSchoolCore

/// One dedicated connection, outside any pool, for work that needs the same session from start
/// to end: a transaction whose snapshot `pg_dump --snapshot` shares, or `CREATE`/`ALTER DATABASE`,
/// which must not run inside a transaction. The caller closes it.
public final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    public let database: String

    private init(connection: PostgresConnection, logger: Logger, database: String) {
        self.connection = connection
        self.logger = logger
        self.database = database
    }

    /// Connects to `database` (default: the location's own) on the location's server.
    public static func open(
        _ location: StoreURL.PostgresLocation, database: String? = nil
    ) async throws
        -> PostgresSession
    {
        var logger = Logger(label: "stockschool.store.postgres.session")
        logger.logLevel = .error
        let tls: PostgresConnection.Configuration.TLS =
            location.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        let name = database ?? location.database
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: name, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresSession(connection: connection, logger: logger, database: name)
        } catch {
            throw StockSchoolError.storeUnavailable(
                url: "postgres://\(location.username)@\(location.host):\(location.port)/\(name)",
                reason: PostgresFailure.describe(error))
        }
    }

    @discardableResult
    public func query(_ statement: SQLStatement) async throws -> [[SQLValue]] {
        do {
            return try await PostgresStore.run(statement, on: connection, logger: logger)
        } catch let error as StockSchoolError {
            throw error
        } catch {
            throw PostgresFailure(error, sql: statement.sql)
        }
    }

    public func close() async {
        try? await connection.close()
    }

    /// Runs `body` with `session` and closes it whatever happens.
    public static func with<T>(
        _ session: PostgresSession, _ body: (PostgresSession) async throws -> T
    ) async throws
        -> T
    {
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}

/// `"name"` with embedded quotes doubled: database and table names from the catalog or the user
/// go into SQL only through this.
public func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
