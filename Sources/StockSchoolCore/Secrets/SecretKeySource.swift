import Foundation

/// Where the Fernet key for encrypted configuration values comes from: the environment variable
/// `STOCKSCHOOL_SECRET_KEY` (the key itself), or else a file named by
/// `STOCKSCHOOL_SECRET_KEY_FILE` (holding the key, surrounding whitespace ignored). The key is
/// never read from `stockschool.yaml`: a key next to the values it protects protects nothing.
public enum SecretKeySource {
    public static let keyVariable = "STOCKSCHOOL_SECRET_KEY"
    public static let keyFileVariable = "STOCKSCHOOL_SECRET_KEY_FILE"
    /// What marks an encrypted value in `stockschool.yaml` or a `STOCKSCHOOL_*` variable:
    /// `tushare: {token: "fernet:gAAAAAB…"}`.
    public static let valuePrefix = "fernet:"

    /// The key from `keyFile` when given, else from the environment.
    public static func key(environment: [String: String], keyFile: String? = nil) throws(FernetError) -> FernetKey {
        if let keyFile { return try read(file: keyFile, named: "--key-file") }
        if let text = environment[keyVariable], !text.isEmpty { return try FernetKey(base64: text) }
        if let file = environment[keyFileVariable], !file.isEmpty {
            return try read(file: file, named: keyFileVariable)
        }
        throw .missingKey(
            "set \(keyVariable) to the key (from `stockschool secrets generate-key`) or \(keyFileVariable) to a file holding it"
        )
    }

    private static func read(file: String, named name: String) throws(FernetError) -> FernetKey {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw .invalidKey("cannot read the key file '\(file)' (\(name))")
        }
        do {
            return try FernetKey(base64: text)
        } catch {
            throw .invalidKey("the key file '\(file)' (\(name)) does not hold a key: \(error)")
        }
    }
}

/// Decrypts `fernet:` values while a configuration loads, reading the key once, on the first
/// encrypted value (a configuration without any needs no key).
struct ConfigurationDecryptor {
    let environment: [String: String]
    private var key: FernetKey?

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// `value` itself, or its plaintext when it is `fernet:<token>`.
    mutating func plaintext(_ value: String) throws(StockSchoolConfiguration.ValueError) -> String {
        guard value.hasPrefix(SecretKeySource.valuePrefix) else { return value }
        let token = String(value.dropFirst(SecretKeySource.valuePrefix.count))
            .trimmingCharacters(in: .whitespaces)
        do {
            let key = try self.key ?? SecretKeySource.key(environment: environment)
            self.key = key
            return try Fernet.decryptText(token, key: key)
        } catch {
            throw StockSchoolConfiguration.ValueError(reason: "cannot decrypt this fernet: value: \(error)")
        }
    }
}
