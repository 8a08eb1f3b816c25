import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolTestSupport
import Testing

/// The SMTP client against a real SMTP server (`SMTPSink`) over loopback.
@Suite struct SMTPClientTests {
    static let from = "StockSchool <alerts@stockschool.test>"
    static let to = ["ops@stockschool.test", "DBA <dba@stockschool.test>"]

    func settings(
        _ sink: SMTPSink, tls: SMTPTLSMode = .none, username: String? = nil, password: String? = nil,
        caFile: String? = nil
    ) -> SMTPSettings {
        SMTPSettings(
            host: sink.host, port: sink.port, tls: tls, username: username, password: password, caFile: caFile,
            timeout: .seconds(30))
    }

    @Test func plainDeliveryCarriesEnvelopeHeadersAndChineseBody() async throws {
        try await SMTPSink.with { sink in
            let channel = EmailChannel(settings: settings(sink), from: Self.from, to: Self.to)
            try await channel.send(NotificationFixtures.critical)

            let messages = sink.messages
            try #require(messages.count == 1)
            let message = messages[0]
            #expect(message.envelopeFrom == "alerts@stockschool.test")
            #expect(message.recipients == ["ops@stockschool.test", "dba@stockschool.test"])
            #expect(message.overTLS == false && message.authenticatedUser == nil)
            #expect(message.subject == "[CRITICAL] 2 firing: APIHighErrorRate, DataSyncLag")
            #expect(message.header("From") == "StockSchool <alerts@stockschool.test>")
            #expect(message.header("To") == "ops@stockschool.test, DBA <dba@stockschool.test>")
            #expect(message.header("MIME-Version") == "1.0")
            #expect(message.header("Content-Type") == "text/plain; charset=utf-8")
            // The sink announces 8BITMIME, so the Chinese body goes as UTF-8, flagged as such.
            #expect(message.header("Content-Transfer-Encoding") == "8bit")
            #expect(message.mailParameters == ["BODY=8BITMIME"])
            let messageID = try #require(message.header("Message-ID"))
            #expect(messageID.hasPrefix("<") && messageID.hasSuffix("@stockschool.test>"))
            let date = try #require(message.header("Date"))
            #expect(date.wholeMatch(of: /[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000/) != nil)
            #expect(message.body.contains("• DataSyncLag [firing] 数据同步延迟 3 小时"))
            #expect(message.body.contains("  daily 最近一次同步在 07:00"))
            #expect(message.body == NotificationFixtures.critical.text)
            #expect(sink.commands.first == "EHLO localhost")
            #expect(sink.commands.last == "QUIT")
        }
    }

    @Test func startTLSThenAuthPlain() async throws {
        let certificates = try TestCertificates.shared()
        let options = SMTPSink.Options(certificates: certificates, username: "alerts", password: "s3cret")
        try await SMTPSink.with(options) { sink in
            let client = SMTPClient(
                settings: settings(
                    sink, tls: .starttls, username: "alerts", password: "s3cret", caFile: certificates.caFile))
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "TLS test", body: "over TLS"))

            let message = try #require(sink.messages.first)
            #expect(message.overTLS)
            #expect(message.authenticatedUser == "alerts")
            #expect(message.body == "over TLS")
            let commands = sink.commands
            let startTLS = try #require(commands.firstIndex(of: "STARTTLS"))
            let auth = try #require(commands.firstIndex { $0.hasPrefix("AUTH ") })
            // Credentials only after TLS, and EHLO again once TLS is up (RFC 3207).
            #expect(startTLS < auth)
            #expect(commands[startTLS + 1] == "EHLO localhost")
            // \0alerts\0s3cret in base64.
            #expect(commands[auth] == "AUTH PLAIN AGFsZXJ0cwBzM2NyZXQ=")
        }
    }

    @Test func authLoginWhenOnlyLoginIsOffered() async throws {
        let options = SMTPSink.Options(username: "alerts", password: "s3cret", authMechanisms: ["LOGIN"])
        try await SMTPSink.with(options) { sink in
            let client = SMTPClient(settings: settings(sink, username: "alerts", password: "s3cret"))
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "login", body: "body"))
            #expect(sink.messages.first?.authenticatedUser == "alerts")
            #expect(sink.commands.contains("AUTH LOGIN"))
        }
    }

    @Test func wrongPasswordNamesAuthAnd535() async throws {
        let options = SMTPSink.Options(username: "alerts", password: "s3cret")
        try await SMTPSink.with(options) { sink in
            let client = SMTPClient(settings: settings(sink, username: "alerts", password: "wrong"))
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
            }
            #expect(error?.stage == .auth)
            #expect(error?.code == 535)
            #expect(
                error?.description == "SMTP AUTH rejected by 127.0.0.1:\(sink.port): 535 5.7.8 bad credentials")
            #expect(sink.messages.isEmpty)
        }
    }

    @Test func startTLSModeRefusesAServerThatDoesNotOfferIt() async throws {
        try await SMTPSink.with { sink in
            let client = SMTPClient(settings: settings(sink, tls: .starttls))
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
            }
            #expect(error?.stage == .starttls)
            #expect(error?.description.contains("does not offer STARTTLS") == true)
            #expect(!sink.commands.contains { $0.hasPrefix("MAIL") })
        }
    }

    @Test func transientFailureOnDataNamesDataAnd451() async throws {
        let options = SMTPSink.Options(dataReply: "451 4.3.0 try again later")
        try await SMTPSink.with(options) { sink in
            let client = SMTPClient(settings: settings(sink))
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
            }
            #expect(error?.stage == .data)
            #expect(error?.code == 451)
            #expect(error?.reply?.isTransient == true)
            #expect(error?.description == "SMTP DATA rejected by 127.0.0.1:\(sink.port): 451 4.3.0 try again later")
        }
    }

    @Test func leadingDotsAreStuffedOnTheWireAndRemovedByTheServer() async throws {
        try await SMTPSink.with { sink in
            let client = SMTPClient(settings: settings(sink))
            let body = "first line\n.hidden line\r\n..two dots\rlast\n."
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "dots", body: body))

            let message = try #require(sink.messages.first)
            #expect(message.header("Content-Transfer-Encoding") == "7bit")
            let bodyLines = message.wireLines.drop { !$0.isEmpty }.dropFirst()
            #expect(Array(bodyLines) == ["first line", "..hidden line", "...two dots", "last", ".."])
            #expect(message.body == "first line\n.hidden line\n..two dots\nlast\n.")
        }
    }

    @Test func chineseSubjectRoundTripsThroughEncodedWords() async throws {
        try await SMTPSink.with { sink in
            let client = SMTPClient(settings: settings(sink))
            let subject = "【严重】数据同步延迟超过 2 小时：daily、adj_factor、daily_basic 三个数据集均未更新，请立即处理"
            try await client.send(
                SMTPMessage(from: "告警中心 <alerts@stockschool.test>", to: Self.to, subject: subject, body: "正文"))

            let message = try #require(sink.messages.first)
            #expect(message.subject == subject)
            let raw = try #require(message.header("Subject"))
            #expect(raw.hasPrefix("=?UTF-8?B?"))
            // Each encoded-word within RFC 2047's 75 characters, each physical line within 78.
            let words = raw.split(separator: " ")
            #expect(words.count > 1)
            #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
            let headerLines = message.data.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            #expect(headerLines.allSatisfy { $0.utf8.count <= 78 })
            // 告警中心 as one encoded-word before the address.
            #expect(message.header("From") == "=?UTF-8?B?5ZGK6K2m5Lit5b+D?= <alerts@stockschool.test>")
            #expect(message.body == "正文")
        }
    }

    @Test func chineseBodyGoesBase64WithoutEightBitMIME() async throws {
        try await SMTPSink.with(SMTPSink.Options(eightBitMIME: false)) { sink in
            let client = SMTPClient(settings: settings(sink))
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "磁盘使用率 91%\n请清理"))

            let message = try #require(sink.messages.first)
            #expect(message.header("Content-Transfer-Encoding") == "base64")
            #expect(message.mailParameters.isEmpty)
            #expect(message.body == "磁盘使用率 91%\n请清理")
        }
    }

    @Test func implicitTLSOnConnect() async throws {
        let certificates = try TestCertificates.shared()
        try await SMTPSink.with(SMTPSink.Options(certificates: certificates, implicitTLS: true)) { sink in
            let client = SMTPClient(settings: settings(sink, tls: .tls, caFile: certificates.caFile))
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "465", body: "b"))
            #expect(sink.messages.first?.overTLS == true)
            #expect(!sink.commands.contains("STARTTLS"))
        }
    }

    @Test func certificatesAreVerifiedByDefault() async throws {
        let certificates = try TestCertificates.shared()
        try await SMTPSink.with(SMTPSink.Options(certificates: certificates)) { sink in
            for caFile in [nil, certificates.otherCAFile] {
                let client = SMTPClient(settings: settings(sink, tls: .starttls, caFile: caFile))
                let error = await #expect(throws: SMTPError.self) {
                    try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
                }
                #expect(error?.stage == .tls)
            }
            #expect(sink.messages.isEmpty)
        }
    }

    @Test func missingCAFileIsNamed() async throws {
        try await SMTPSink.with { sink in
            let client = SMTPClient(settings: settings(sink, tls: .starttls, caFile: "/nonexistent/ca.pem"))
            let error = await #expect(throws: SMTPError.self) {
                try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
            }
            #expect(error?.description.contains("/nonexistent/ca.pem") == true)
        }
    }

    @Test func heloWhenTheServerDoesNotKnowEHLO() async throws {
        try await SMTPSink.with(SMTPSink.Options(ehlo: false)) { sink in
            let client = SMTPClient(settings: settings(sink))
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
            #expect(sink.commands.prefix(2) == ["EHLO localhost", "HELO localhost"])
            #expect(sink.messages.count == 1)
        }
    }

    @Test func refusedConnectionNamesConnect() async throws {
        let sink = try await SMTPSink.start()
        let port = sink.port
        await sink.stop()
        let client = SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: port, tls: .none, timeout: .seconds(2)))
        let error = await #expect(throws: SMTPError.self) {
            try await client.send(SMTPMessage(from: Self.from, to: Self.to, subject: "s", body: "b"))
        }
        #expect(error?.stage == .connect)
        #expect(error?.description.hasPrefix("SMTP connect with 127.0.0.1:\(port) failed") == true)
    }
}
