import Foundation

/// A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost, made with the
/// `openssl` command at test time: TLS tests then run with verification on, trusting the CA the
/// way production trusts `alerts.email.ca_file`, instead of switching verification off.
public struct TestCertificates: Sendable {
    public let directory: URL
    /// The CA certificate (PEM): what a client is told to trust.
    public let caFile: String
    /// The server's certificate (PEM), signed by the CA, with IP:127.0.0.1 and DNS:localhost.
    public let certificateFile: String
    /// The server's private key (PEM).
    public let keyFile: String

    /// A second, unrelated CA: a client trusting only it must refuse the server.
    public let otherCAFile: String

    /// Generated once per test process; key generation is the slow part and the files are
    /// read-only to every test.
    public static func shared() throws -> TestCertificates {
        try cached.get()
    }

    private static let cached: Result<TestCertificates, MissingTestServer> = Result { () throws(MissingTestServer) in
        try generate()
    }

    /// Makes a fresh set in a new temporary directory.
    public static func generate() throws(MissingTestServer) -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ss-certs-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MissingTestServer(description: "cannot create \(directory.path): \(error)")
        }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let extensions = """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=IP:127.0.0.1,DNS:localhost
            """
        do {
            try extensions.write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        } catch {
            throw MissingTestServer(description: "cannot write \(path("server.ext")): \(error)")
        }
        // EC keys: generated in milliseconds, where RSA takes noticeably longer.
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let caExtensions = [
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ]
        try openssl(
            ["req", "-x509"] + key + ["-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2"]
                + ["-subj", "/CN=StockSchool Test CA"] + caExtensions)
        try openssl(
            ["req", "-x509"] + key + ["-keyout", path("other-ca.key"), "-out", path("other-ca.pem"), "-days", "2"]
                + ["-subj", "/CN=Unrelated Test CA"] + caExtensions)
        try openssl(
            ["req"] + key + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=localhost"])
        try openssl([
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
        ])
        return TestCertificates(
            directory: directory, caFile: path("ca.pem"), certificateFile: path("server.pem"),
            keyFile: path("server.key"), otherCAFile: path("other-ca.pem"))
    }

    private static func openssl(_ arguments: [String]) throws(MissingTestServer) {
        let candidates = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MissingTestServer(
                description: "the openssl command is not installed; TLS tests need it to make certificates")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw MissingTestServer(description: "cannot run openssl: \(error)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MissingTestServer(
                description:
                    "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))"
            )
        }
    }
}
