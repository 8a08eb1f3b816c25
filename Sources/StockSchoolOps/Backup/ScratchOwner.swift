import Foundation

/// Who made a scratch store, written into its name (SQLite) or its comment (PostgreSQL) as
/// `<pid>@<host>`. A scratch store whose maker is gone — a `backup verify`, `restore-test` or
/// `restore` killed before it could drop it — is abandoned, and the next run removes it: left
/// alone, each one holds a whole copy of the store.
enum ScratchOwner {
    /// This process on this host.
    static var current: String { "\(getpid())@\(host)" }

    /// The host name with the characters the owner's forms use as separators (`.` in file names,
    /// `@`) replaced.
    static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.map { $0 == "." || $0 == "@" ? "_" : $0 })
    }()

    /// Whether `owner`, as `current` writes it, names a process of this host that no longer
    /// runs. A process of another host, or anything not in this form, is never called
    /// abandoned: only what is known to be dead is removed.
    static func isAbandoned(_ owner: some StringProtocol) -> Bool {
        let parts = owner.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, parts[1] == host else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
