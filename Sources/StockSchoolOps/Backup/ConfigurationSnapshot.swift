import Foundation
import StockSchoolCore
import StockSchoolStore

/// The configuration as a backup keeps it: the config file and the `STOCKSCHOOL_*` environment,
/// with every secret replaced by `<redacted>` unless it is already Fernet-encrypted. A restored
/// system gets its secrets back from wherever they are kept, never from a backup.
enum ConfigurationSnapshot {
    static let directory = "config"
    static let redacted = "<redacted>"

    /// Writes `config/<file name>` (when a config file is in use) and `config/environment`.
    /// Returns the relative paths written.
    static func write(
        configFile: String?, environment: [String: String], into backup: String
    ) throws(BackupError)
        -> [String]
    {
        let target = (backup as NSString).appendingPathComponent(directory)
        var written: [String] = []
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            if let configFile, let text = try? String(contentsOfFile: configFile, encoding: .utf8) {
                let name = (configFile as NSString).lastPathComponent
                try redactYAML(text).write(
                    toFile: (target as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
                written.append("\(directory)/\(name)")
            }
            let lines = environment.filter { $0.key.hasPrefix("STOCKSCHOOL_") }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(redactValue(key: $0.key, value: $0.value))" }
            try (lines.joined(separator: "\n") + "\n").write(
                toFile: (target as NSString).appendingPathComponent("environment"), atomically: true,
                encoding: .utf8)
            written.append("\(directory)/environment")
        } catch {
            throw .io(path: target, reason: "cannot write the configuration: \(error)")
        }
        return written
    }

    /// Whether a key names a secret: the masking rules' secret names, and webhook URLs (a Slack
    /// webhook's path is its credential).
    static func isSecret(_ key: String) -> Bool {
        SensitiveDataMasking.isSecretName(key) || key.lowercased().contains("webhook")
    }

    static func redactValue(key: String, value: String) -> String {
        guard !value.isEmpty, !isEncrypted(value) else { return value }
        if isSecret(key) { return redacted }
        // Other URLs keep everything but a password.
        return SensitiveDataMasking.maskURLPasswords(value)
    }

    /// Fernet tokens (`gAAAAA…`, bare or as a `fernet:` config value) are safe to keep.
    static func isEncrypted(_ value: String) -> Bool {
        let prefix = SecretKeySource.valuePrefix
        return (value.hasPrefix(prefix) ? String(value.dropFirst(prefix.count)) : value).hasPrefix("gAAAAA")
    }

    /// Line by line, so comments and layout survive: `key: value` lines whose key names a secret
    /// get their value replaced.
    static func redactYAML(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { return String(line) }
            let key = String(trimmed[..<colon])
            var value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]) }
            let unquoted = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard !unquoted.isEmpty else { return String(line) }
            let replacement = redactValue(key: key, value: unquoted)
            guard replacement != unquoted else { return String(line) }
            let prefix = line[..<trimmed.startIndex]
            return "\(prefix)\(key): \"\(replacement)\""
        }.joined(separator: "\n")
    }
}
