import Foundation

/// A helper program a backup needs (`pg_dump`, `pg_restore`, `redis-cli`), run to completion with
/// its standard error kept for the message: a tool that exits non-zero is a failed step, never a
/// warning, whatever it printed on the way.
struct ExternalCommand: Sendable {
    let executable: String
    let arguments: [String]
    /// Added to (and overriding) this process's environment: passwords travel here, never in
    /// `arguments`, which any user can read in `ps`.
    var environment: [String: String] = [:]

    /// Runs the command; throws `BackupError.commandFailed` naming it, its exit status and the end
    /// of what it wrote to standard error.
    func run() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BackupError.commandFailed(command: name, status: -1, stderr: "cannot start \(executable): \(error)")
        }
        // Read standard error while the tool runs: a full pipe would block it forever.
        let errorData = await Task.detached { errorPipe.fileHandleForReading.readDataToEndOfFile() }.value
        await Task.detached { process.waitUntilExit() }.value
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let text = String(decoding: errorData, as: UTF8.self)
            let tail = text.split(separator: "\n").suffix(5).joined(separator: "; ")
            let status =
                process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
            throw BackupError.commandFailed(command: name, status: status, stderr: tail)
        }
    }

    var name: String { (executable as NSString).lastPathComponent }

    /// The first of `candidates` that is an executable on `PATH` or an absolute path that exists;
    /// PostgreSQL's tools also live under `/usr/lib/postgresql/<version>/bin` (newest first),
    /// which Debian keeps off `PATH` for some of them.
    static func locate(_ tool: String) -> String? {
        let manager = FileManager.default
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        let versions = (try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let candidate = "/usr/lib/postgresql/\(version)/bin/\(tool)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func require(_ tool: String, package: String) throws -> String {
        guard let found = locate(tool) else {
            throw BackupError.toolMissing(tool: tool, package: package)
        }
        return found
    }
}
