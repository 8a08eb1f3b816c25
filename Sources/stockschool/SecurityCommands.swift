import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore

struct DBCreateReadonlyUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-readonly-user",
        abstract: "PostgreSQL: a login role that can read every table and change nothing.",
        discussion: """
            The manual's 创建只读用户, made idempotent: creates the role, or updates its
            password when it exists, then GRANT CONNECT on the database, USAGE on the
            schema, SELECT on all tables, and ALTER DEFAULT PRIVILEGES so tables created
            later are readable too.

            The password is never a command-line argument (ps would show it). In order:
            the file named by --password-file, standard input with --password-stdin, the
            environment variable STOCKSCHOOL_READONLY_PASSWORD; otherwise a random one is
            generated and printed once. It reaches the server only as a SCRAM-SHA-256
            verifier.

            Examples:
              stockschool db create-readonly-user stockschool_readonly
              printf '%s' "$PW" | stockschool db create-readonly-user grafana --password-stdin
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The role's name, e.g. stockschool_readonly.") var name: String

    @Option(help: ArgumentHelp("Read the password from this file.", valueName: "file")) var passwordFile: String?
    @Flag(help: "Read the password from standard input.") var passwordStdin = false

    static let passwordVariable = "STOCKSCHOOL_READONLY_PASSWORD"

    func run() async throws {
        let configuration = try global.configuration()
        var generated = false
        let password: String
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw StockSchoolError.invalidArgument(name: "--password-file", reason: "cannot read '\(passwordFile)'")
            }
            password = text.trimmingCharacters(in: .newlines)
        } else if passwordStdin {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        } else if let text = ProcessInfo.processInfo.environment[Self.passwordVariable], !text.isEmpty {
            password = text
        } else {
            password = FernetKey.generate().base64.filter { $0.isLetter || $0.isNumber }
            generated = true
        }
        let outcome = try await withStore(configuration) { store in
            try await PostgresSecurity(store).createReadOnlyRole(name: name, password: password)
        }
        if global.json {
            struct Result: Encodable {
                let role: String
                let outcome: PostgresSecurity.RoleOutcome
                let password: String?
            }
            try Output.json(Result(role: name, outcome: outcome, password: generated ? password : nil))
            return
        }
        print("Role \(name) \(outcome.rawValue): CONNECT, USAGE, SELECT on all tables, and on future tables.")
        if generated { print("Password (shown once, store it now): \(password)") }
    }
}

struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Encrypt values for stockschool.yaml (Fernet, compatible with Python's cryptography).",
        discussion: """
            A value written `fernet:<token>` in stockschool.yaml (or a STOCKSCHOOL_*
            variable) is decrypted at startup with the key in STOCKSCHOOL_SECRET_KEY, or
            in the file named by STOCKSCHOOL_SECRET_KEY_FILE. Tokens are Fernet, so
            Python's cryptography.fernet.Fernet(key).decrypt(token) reads them too, and
            the reverse.

            Examples:
              stockschool secrets generate-key > /etc/stockschool/secret.key
              export STOCKSCHOOL_SECRET_KEY_FILE=/etc/stockschool/secret.key
              printf '%s' "$TUSHARE_TOKEN" | stockschool secrets encrypt
              stockschool secrets decrypt 'fernet:gAAAAAB…'
            """,
        subcommands: [SecretsGenerateKeyCommand.self, SecretsEncryptCommand.self, SecretsDecryptCommand.self])
}

struct SecretKeyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "File holding the key (default: $STOCKSCHOOL_SECRET_KEY, then $STOCKSCHOOL_SECRET_KEY_FILE).",
            valueName: "file"))
    var keyFile: String?

    func key() throws -> FernetKey {
        try SecretKeySource.key(environment: ProcessInfo.processInfo.environment, keyFile: keyFile)
    }
}

/// The value from --value, or standard input (one trailing newline dropped).
func secretInput(_ value: String?) -> String {
    if let value { return value }
    var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
    return text
}

struct SecretsGenerateKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key",
        abstract: "Print a new random key (32 bytes, url-safe base64, like Fernet.generate_key()).")

    func run() {
        print(FernetKey.generate().base64)
    }
}

struct SecretsEncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a value (standard input, or --value) and print it as fernet:<token>.",
        discussion: """
            Standard input keeps the value out of the shell history and ps; --value is for
            values that are not secret enough to matter. --raw prints the bare token.
            """)

    @OptionGroup var key: SecretKeyOptions
    @Option(help: ArgumentHelp("The value (default: read standard input).", valueName: "text")) var value: String?
    @Flag(help: "Print the bare Fernet token, without the fernet: prefix.") var raw = false

    func run() throws {
        let token = try Fernet.encrypt(secretInput(value), key: key.key())
        print(raw ? token : SecretKeySource.valuePrefix + token)
    }
}

struct SecretsDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a token (argument or standard input; the fernet: prefix is optional).")

    @OptionGroup var key: SecretKeyOptions
    @Argument(help: "The token (default: read standard input).") var token: String?
    @Option(help: ArgumentHelp("Refuse tokens older than this many seconds.", valueName: "seconds")) var ttl: Int64?

    func validate() throws {
        if let ttl, ttl <= 0 { throw ValidationError("--ttl must be a positive number of seconds, got \(ttl)") }
    }

    func run() throws {
        var text = secretInput(token).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix(SecretKeySource.valuePrefix) { text.removeFirst(SecretKeySource.valuePrefix.count) }
        let plaintext = try Fernet.decrypt(text, key: key.key(), ttl: ttl)
        FileHandle.standardOutput.write(Data(plaintext))
        if plaintext.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
