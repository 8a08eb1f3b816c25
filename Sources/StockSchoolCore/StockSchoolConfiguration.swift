import Yams

/// Everything StockSchool can be told, with embedded defaults that give a working system with no
/// configuration at all: SQLite at `./data/stockschool.sqlite`, in-memory cache, port 8080.
///
/// Values come, lowest priority first, from the defaults, an optional `stockschool.yaml`, and
/// `STOCKSCHOOL_*` environment variables (`database.url` ← `STOCKSCHOOL_DATABASE_URL`). A few keys
/// also honour the names their ecosystems use (`TUSHARE_TOKEN`, `TUSHARE_API_URL`). Unknown keys
/// in the file are errors, not silently ignored: a typo must not quietly fall back to a default.
/// Any value may be encrypted, written `fernet:<token>` (`stockschool secrets encrypt`); it is
/// decrypted here with the key from `STOCKSCHOOL_SECRET_KEY` or `STOCKSCHOOL_SECRET_KEY_FILE`.
public struct StockSchoolConfiguration: Sendable, Equatable {
    /// Store URL: `sqlite:///path` or `postgres://user:pass@host:port/db`.
    public var databaseURL: String = "sqlite:///./data/stockschool.sqlite"
    /// `redis://host:port[/db]`; `nil` keeps the cache in memory.
    public var redisURL: String? = nil
    /// Where the embedded database, caches and backups live.
    public var dataDirectory: String = "./data"
    public var serverHost: String = "127.0.0.1"
    public var serverPort: Int = 8080
    /// How long the API caches data responses (bars, cross-sections, series) and lists, in
    /// seconds: the operations manual's 300 and 600.
    public var cacheDataTTL: Int = 300
    public var cacheListTTL: Int = 600
    public var tushareToken: String? = nil
    public var tushareAPIURL: String = "http://api.waditu.com/dataapi"
    /// Calls per minute per Tushare API, overriding the entry-tier defaults (0 = no limit), for
    /// tokens whose tier allows more.
    public var tushareLimits: [String: Int] = [:]
    /// Defaults for the simulated market (`sync --source sample`, `demo`).
    public var sampleStocks: Int = 300
    public var sampleStart: TradeDate = TradeDate(unchecked: 2020_01_02)
    public var sampleEnd: TradeDate = TradeDate(unchecked: 2024_12_31)
    public var sampleSeed: UInt64 = 42
    public var logLevel: String = "info"
    /// The user's factors file (docs/factors.md). `nil` reads `./factors.yaml` when there is one;
    /// a file named here must exist.
    public var factorsFile: String? = nil
    /// The score model `score`, `run-daily` and `demo` use unless flags say otherwise
    /// (docs/research.md): its factor set, weighting (`equal`, `ic`, `icir`), IC window and
    /// horizon.
    public var scoreSet: String = "alpha158-quick"
    public var scoreWeighting: String = "icir"
    public var scoreWindow: Int = 60
    public var scoreHorizon: Int = 5
    /// The HTTP API's keys and limits (`api.*`).
    public var api = APIConfiguration()
    /// Where logs and backups are, and what the health check and alert engine compare against
    /// (`log.dir`, `backup.dir`, `health.*`, `alerts.rules_file`, `alerts.interval`).
    public var ops = OpsConfiguration()
    /// Where alerts go (`alerts.*`): email, Slack, SMS and phone gateways, an Alertmanager webhook.
    public var alertChannels = AlertChannelConfiguration()
    /// When the worker's daily jobs run and how it retries, leases and reports them (`worker.*`).
    public var worker = WorkerConfiguration()

    /// Where user factors are read from when `factors.file` is not set.
    public static let defaultFactorsFile = "factors.yaml"

    public init() {}

    /// One settable key: its dotted YAML path, its environment variables, and how to apply it.
    struct Key: Sendable {
        let path: String
        let environment: [String]
        let apply: @Sendable (inout StockSchoolConfiguration, String) throws -> Void
    }

    struct ValueError: Error {
        let reason: String

        static func reason(of error: any Error) -> String {
            (error as? ValueError)?.reason ?? "\(error)"
        }
    }

    /// The Tushare APIs StockSchool calls, whose per-minute limits `tushare.limits.<api>` sets.
    public static let tushareAPIs = [
        "daily", "adj_factor", "daily_basic", "stock_basic", "trade_cal", "index_daily", "index_weight",
    ]

    static let keys: [Key] =
        baseKeys + apiKeys + opsKeys + alertChannelKeys + workerKeys
        + tushareAPIs.map { api in
            Key(path: "tushare.limits.\(api)", environment: ["STOCKSCHOOL_TUSHARE_LIMITS_\(api.uppercased())"]) {
                c, v in
                c.tushareLimits[api] = try integer(v, in: 0...1_000_000)
            }
        }

    static let baseKeys: [Key] = [
        Key(path: "database.url", environment: ["STOCKSCHOOL_DATABASE_URL"]) { c, v in
            c.databaseURL = try nonEmpty(v)
        },
        Key(path: "redis.url", environment: ["STOCKSCHOOL_REDIS_URL"]) { c, v in
            c.redisURL = v.isEmpty ? nil : v
        },
        Key(path: "data_dir", environment: ["STOCKSCHOOL_DATA_DIR"]) { c, v in
            c.dataDirectory = try nonEmpty(v)
        },
        Key(path: "server.host", environment: ["STOCKSCHOOL_SERVER_HOST"]) { c, v in
            c.serverHost = try nonEmpty(v)
        },
        Key(path: "server.port", environment: ["STOCKSCHOOL_SERVER_PORT", "STOCKSCHOOL_PORT"]) { c, v in
            c.serverPort = try integer(v, in: 1...65_535)
        },
        Key(path: "cache.data_ttl", environment: ["STOCKSCHOOL_CACHE_DATA_TTL"]) { c, v in
            c.cacheDataTTL = try integer(v, in: 1...86_400)
        },
        Key(path: "cache.list_ttl", environment: ["STOCKSCHOOL_CACHE_LIST_TTL"]) { c, v in
            c.cacheListTTL = try integer(v, in: 1...86_400)
        },
        Key(path: "tushare.token", environment: ["STOCKSCHOOL_TUSHARE_TOKEN", "TUSHARE_TOKEN"]) { c, v in
            c.tushareToken = v.isEmpty ? nil : v
        },
        Key(path: "tushare.api_url", environment: ["STOCKSCHOOL_TUSHARE_API_URL", "TUSHARE_API_URL"]) {
            c, v in
            guard v.hasPrefix("http://") || v.hasPrefix("https://") else {
                throw ValueError(reason: "expected an http:// or https:// URL, got '\(v)'")
            }
            c.tushareAPIURL = v
        },
        Key(path: "sample.stocks", environment: ["STOCKSCHOOL_SAMPLE_STOCKS"]) { c, v in
            c.sampleStocks = try integer(v, in: 1...20_000)
        },
        Key(path: "sample.start", environment: ["STOCKSCHOOL_SAMPLE_START"]) { c, v in
            c.sampleStart = try date(v)
        },
        Key(path: "sample.end", environment: ["STOCKSCHOOL_SAMPLE_END"]) { c, v in
            c.sampleEnd = try date(v)
        },
        Key(path: "sample.seed", environment: ["STOCKSCHOOL_SAMPLE_SEED"]) { c, v in
            guard let seed = UInt64(v) else {
                throw ValueError(reason: "expected a non-negative integer, got '\(v)'")
            }
            c.sampleSeed = seed
        },
        Key(path: "log.level", environment: ["STOCKSCHOOL_LOG_LEVEL"]) { c, v in
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(v) else {
                throw ValueError(reason: "expected one of \(levels.joined(separator: ", ")), got '\(v)'")
            }
            c.logLevel = v
        },
        Key(path: "factors.file", environment: ["STOCKSCHOOL_FACTORS_FILE"]) { c, v in
            c.factorsFile = v.isEmpty ? nil : v
        },
        Key(path: "score.set", environment: ["STOCKSCHOOL_SCORE_SET"]) { c, v in
            c.scoreSet = try nonEmpty(v)
        },
        Key(path: "score.weighting", environment: ["STOCKSCHOOL_SCORE_WEIGHTING"]) { c, v in
            guard ["equal", "ic", "icir"].contains(v) else {
                throw ValueError(reason: "expected one of equal, ic, icir, got '\(v)'")
            }
            c.scoreWeighting = v
        },
        Key(path: "score.window", environment: ["STOCKSCHOOL_SCORE_WINDOW"]) { c, v in
            c.scoreWindow = try integer(v, in: 1...1000)
        },
        Key(path: "score.horizon", environment: ["STOCKSCHOOL_SCORE_HORIZON"]) { c, v in
            c.scoreHorizon = try integer(v, in: 1...250)
        },
    ]

    /// The documented keys, for `--help` and docs.
    public static var keyPaths: [(path: String, environment: [String])] {
        keys.map { ($0.path, $0.environment) }
    }

    /// Builds the configuration from an optional YAML document and an environment.
    ///
    /// - Parameters:
    ///   - yaml: the text of `stockschool.yaml`, or `nil` when there is no file.
    ///   - fileName: how to name the file in error messages.
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    public static func load(
        yaml: String?, fileName: String = "stockschool.yaml", environment: [String: String]
    ) throws(StockSchoolError) -> StockSchoolConfiguration {
        var configuration = StockSchoolConfiguration()
        var decryptor = ConfigurationDecryptor(environment: environment)
        if let yaml {
            for (path, value, line) in try flatten(yaml: yaml, fileName: fileName) {
                guard let key = keys.first(where: { $0.path == path }) else {
                    let known = keys.map(\.path).joined(separator: ", ")
                    throw .invalidConfiguration(
                        key: path, source: "\(fileName) line \(line)",
                        reason: "unknown key; known keys are \(known)")
                }
                do {
                    try key.apply(&configuration, try decryptor.plaintext(value))
                } catch {
                    throw .invalidConfiguration(
                        key: path, source: "\(fileName) line \(line)", reason: ValueError.reason(of: error))
                }
            }
        }
        for key in keys {
            // The first name listed wins over the ecosystem's alias.
            for name in key.environment.reversed() {
                guard let value = environment[name] else { continue }
                do {
                    try key.apply(&configuration, try decryptor.plaintext(value))
                } catch {
                    throw .invalidConfiguration(
                        key: key.path, source: "environment variable \(name)",
                        reason: ValueError.reason(of: error))
                }
            }
        }
        if configuration.sampleStart > configuration.sampleEnd {
            throw .invalidConfiguration(
                key: "sample.start", source: "configuration",
                reason: "sample.start \(configuration.sampleStart) is after sample.end \(configuration.sampleEnd)")
        }
        try configuration.alertChannels.validate()
        return configuration
    }

    /// Turns a YAML mapping into `(dotted.path, scalar text, line)` triples.
    static func flatten(yaml: String, fileName: String) throws(StockSchoolError) -> [(String, String, Int)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw .invalidConfiguration(key: "(document)", source: fileName, reason: "not valid YAML: \(error)")
        }
        guard let root else { return [] }
        var result: [(String, String, Int)] = []
        func walk(_ node: Node, prefix: String) throws(StockSchoolError) {
            let line = node.mark?.line ?? 0
            switch node {
            case .mapping(let mapping):
                for (keyNode, valueNode) in mapping {
                    guard let name = keyNode.string else {
                        throw .invalidConfiguration(
                            key: prefix, source: "\(fileName) line \(line)", reason: "keys must be strings")
                    }
                    try walk(valueNode, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
                }
            case .scalar(let scalar):
                guard !prefix.isEmpty else {
                    throw .invalidConfiguration(
                        key: "(document)", source: fileName, reason: "expected a mapping of keys to values")
                }
                result.append((prefix, scalar.string, line))
            case .sequence, .alias:
                throw .invalidConfiguration(
                    key: prefix, source: "\(fileName) line \(line)", reason: "expected a single value, not a list")
            }
        }
        try walk(root, prefix: "")
        return result
    }

    static func nonEmpty(_ value: String) throws(ValueError) -> String {
        guard !value.isEmpty else { throw ValueError(reason: "must not be empty") }
        return value
    }

    static func integer(_ value: String, in range: ClosedRange<Int>) throws(ValueError) -> Int {
        guard let n = Int(value), range.contains(n) else {
            throw ValueError(reason: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return n
    }

    private static func date(_ value: String) throws(ValueError) -> TradeDate {
        do { return try TradeDate(value) } catch { throw ValueError(reason: error.description) }
    }
}
