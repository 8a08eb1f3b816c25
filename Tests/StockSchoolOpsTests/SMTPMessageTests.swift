import Foundation
import StockSchoolOps
import Testing

/// The message text the client renders, checked without a server.
@Suite struct SMTPMessageTests {
    @Test func headersInOrderWithFixedDateAndID() {
        let message = SMTPMessage(
            from: "alerts@stockschool.test", to: ["ops@stockschool.test"], subject: "Disk almost full",
            body: "line 1\nline 2", date: NotificationFixtures.start, messageID: "<fixed@stockschool.test>")
        #expect(
            message.rendered(eightBitAllowed: true)
                == "From: alerts@stockschool.test\r\n"
                + "To: ops@stockschool.test\r\n"
                + "Subject: Disk almost full\r\n"
                + "Date: Tue, 05 Mar 2024 10:00:00 +0000\r\n"
                + "Message-ID: <fixed@stockschool.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n"
                + "line 1\r\nline 2\r\n")
    }

    @Test func transferEncodingIsThePlainestSafeOne() {
        func encoding(_ body: String, eightBit: Bool) -> SMTPMessage.TransferEncoding {
            SMTPMessage(from: "a@b.c", to: ["d@e.f"], subject: "s", body: body).transferEncoding(
                eightBitAllowed: eightBit)
        }
        #expect(encoding("ascii only", eightBit: false) == .sevenBit)
        #expect(encoding("中文", eightBit: true) == .eightBit)
        #expect(encoding("中文", eightBit: false) == .base64)
        // RFC 5322's 998-byte line limit: a longer line cannot go as text at all.
        #expect(encoding(String(repeating: "x", count: 999), eightBit: true) == .base64)
    }

    @Test func headerInjectionThroughTheSubjectIsImpossible() {
        let message = SMTPMessage(
            from: "a@b.c", to: ["d@e.f"], subject: "title\r\nBcc: victim@example.com", body: "b",
            date: NotificationFixtures.start)
        let headers = message.rendered(eightBitAllowed: true).components(separatedBy: "\r\n\r\n")[0]
        #expect(!headers.components(separatedBy: "\r\n").contains { $0.hasPrefix("Bcc:") })
    }

    @Test func subjectWithEncodedWordSyntaxIsItselfEncoded() {
        let message = SMTPMessage(from: "a@b.c", to: ["d@e.f"], subject: "=?UTF-8?B?5ZGK?=", body: "b")
        #expect(message.rendered(eightBitAllowed: true).contains("Subject: =?UTF-8?B?PT9VVEYtOD9CPzVaR0s/PQ==?="))
    }
}
