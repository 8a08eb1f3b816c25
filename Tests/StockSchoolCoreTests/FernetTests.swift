import Foundation
import Testing

@testable import StockSchoolCore

/// The Fernet spec's own vectors (github.com/fernet/spec: generate.json, verify.json,
/// invalid.json), copied here verbatim; every implementation that passes them reads the others'
/// tokens.
@Suite struct FernetVectorTests {
    static let secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let token =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
    /// 1985-10-26T01:20:00-07:00 and …01:20:01, the vectors' "now", in seconds since 1970.
    static let generatedAt: Int64 = 499_162_800
    static let verifiedAt: Int64 = 499_162_801

    @Test func generateVector() throws {
        let key = try FernetKey(base64: Self.secret)
        let token = try Fernet.encrypt(Array("hello".utf8), key: key, now: Self.generatedAt, iv: Array(0..<16))
        #expect(token == Self.token)
    }

    @Test func verifyVector() throws {
        let key = try FernetKey(base64: Self.secret)
        let plaintext = try Fernet.decrypt(Self.token, key: key, ttl: 60, now: Self.verifiedAt)
        #expect(String(decoding: plaintext, as: UTF8.self) == "hello")
    }

    enum Expected { case malformed, signature, padding, expired, future }

    /// invalid.json: description, token, the "now" of the check, and how it must fail. All use
    /// the secret above and ttl_sec 60.
    static let invalid: [(String, String, Int64, Expected)] = [
        (
            "incorrect mac",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
            verifiedAt, .signature
        ),
        ("too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", verifiedAt, .malformed),
        (
            "invalid base64",
            "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
            verifiedAt, .malformed
        ),
        (
            "payload size not multiple of block size",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm",
            verifiedAt, .malformed
        ),
        (
            "payload padding error",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
            verifiedAt, .padding
        ),
        (
            "far-future TS (unacceptable clock skew)",
            "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==",
            verifiedAt, .future
        ),
        (
            "expired TTL",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
            // 1985-10-26T01:21:31-07:00
            499_162_891, .expired
        ),
        (
            "incorrect IV (causes padding error)",
            "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
            verifiedAt, .padding
        ),
        (
            "trailing characters after b64 padding",
            "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==trailingdata",
            verifiedAt, .malformed
        ),
        (
            "invalid characters in b64",
            "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
            verifiedAt, .malformed
        ),
        (
            "invalid non-urlsafe characters in b64",
            "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
            verifiedAt, .malformed
        ),
    ]

    @Test(arguments: invalid.indices)
    func invalidVector(_ index: Int) throws {
        let (description, token, now, expected) = Self.invalid[index]
        let key = try FernetKey(base64: Self.secret)
        do {
            let plaintext = try Fernet.decrypt(token, key: key, ttl: 60, now: now)
            Issue.record("\(description): accepted, decrypted to \(plaintext)")
        } catch {
            let matches =
                switch (expected, error) {
                case (.malformed, .malformedToken): true
                case (.signature, .signatureMismatch): true
                case (.padding, .badPadding): true
                case (.expired, .expired): true
                case (.future, .fromTheFuture): true
                default: false
                }
            #expect(matches, "\(description): failed with \(error), expected \(expected)")
        }
    }

    @Test func theKeyMustBe32BytesOfUrlSafeBase64() {
        #expect(throws: FernetError.self) { try FernetKey(base64: "c2hvcnQ=") }
        #expect(throws: FernetError.self) { try FernetKey(base64: "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=") }
        #expect((try? FernetKey(base64: " \(Self.secret)\n"))?.base64 == Self.secret)
    }

    /// A validly signed token may carry any 64-bit timestamp; the TTL check must refuse it, not trap.
    @Test func extremeTimestampsAreRefusedNotOverflowed() throws {
        let key = FernetKey.generate()
        let future = try Fernet.encrypt(Array("x".utf8), key: key, now: .max)
        #expect(throws: FernetError.fromTheFuture(secondsAhead: Int64.max - 1000)) {
            try Fernet.decrypt(future, key: key, ttl: 60, now: 1000)
        }
        let ancient = try Fernet.encrypt(Array("x".utf8), key: key, now: .min)
        #expect {
            try Fernet.decrypt(ancient, key: key, ttl: 60, now: 1000)
        } throws: { error in
            if case .expired = error as? FernetError { return true }
            return false
        }
    }

    @Test func anotherKeyFailsTheHMAC() throws {
        let other = FernetKey.generate()
        #expect(throws: FernetError.signatureMismatch) {
            try Fernet.decrypt(Self.token, key: other)
        }
    }

    @Test func roundTripWithoutTTLAcceptsOldTokens() throws {
        let key = FernetKey.generate()
        let text = "tushare token 价格 ✓"
        let token = try Fernet.encrypt(text, key: key)
        #expect(token.hasPrefix("gAAAAA"))
        #expect(try Fernet.decryptText(token, key: key) == text)
        #expect(
            String(decoding: try Fernet.decrypt(Self.token, key: FernetKey(base64: Self.secret)), as: UTF8.self)
                == "hello")
        #expect(try Fernet.encrypt("", key: key).count == 100)  // 1+8+16+16+32 = 73 bytes → 100 chars
    }
}

/// Tokens made by Python's `cryptography.fernet` decrypt here and ours decrypt there. Skipped
/// when Python lacks the package, except in CI (CI=true), where scripts/lib/services.sh installs
/// it and its absence is a failure.
@Suite struct FernetPythonInteropTests {
    static let isCI = ["true", "1", "yes"].contains((ProcessInfo.processInfo.environment["CI"] ?? "").lowercased())
    static let pythonHasCryptography = (try? python("import cryptography.fernet", environment: [:])) != nil

    @Test(.enabled(if: pythonHasCryptography || isCI, "python3 with the cryptography package"))
    func pythonDecryptsOurToken() throws {
        let key = FernetKey.generate()
        let text = "secret 密钥 \(UUID().uuidString)"
        let token = try Fernet.encrypt(text, key: key)
        let output = try Self.python(
            "import os,sys; from cryptography.fernet import Fernet; sys.stdout.write(Fernet(os.environ['K']).decrypt(os.environ['T'].encode(), ttl=600).decode())",
            environment: ["K": key.base64, "T": token])
        #expect(output == text)
    }

    @Test(.enabled(if: pythonHasCryptography || isCI, "python3 with the cryptography package"))
    func weDecryptPythonsToken() throws {
        let output = try Self.python(
            "import sys; from cryptography.fernet import Fernet; k=Fernet.generate_key(); sys.stdout.write(k.decode()+' '+Fernet(k).encrypt('价格 hello'.encode()).decode())",
            environment: [:])
        let parts = output.split(separator: " ").map(String.init)
        try #require(parts.count == 2, "python printed \(output)")
        let key = try FernetKey(base64: parts[0])
        #expect(try Fernet.decryptText(parts[1], key: key) == "价格 hello")
        #expect(key.base64 == parts[0])
    }

    struct PythonFailed: Error, CustomStringConvertible { let description: String }

    static func python(_ script: String, environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailed(
                description: "python3 exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
