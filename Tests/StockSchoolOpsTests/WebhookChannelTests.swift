import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolTestSupport
import Testing

/// Slack and the generic SMS/voice webhook against a real HTTP server (`HTTPSink`).
@Suite struct WebhookChannelTests {
    @Test func slackPostsTitleAndColouredAttachment() async throws {
        try await HTTPSink.with { sink in
            let channel = SlackChannel(webhookURL: sink.url("/services/T000/B000/XXXX"))
            try await channel.send(NotificationFixtures.critical)

            let request = try #require(sink.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/services/T000/B000/XXXX")
            #expect(request.header("Content-Type") == "application/json; charset=utf-8")
            let json = try request.jsonObject()
            #expect(json["text"] as? String == "[CRITICAL] 2 firing: APIHighErrorRate, DataSyncLag")
            let attachments = try #require(json["attachments"] as? [[String: Any]])
            #expect(attachments.count == 1)
            #expect(attachments[0]["color"] as? String == "danger")
            #expect(attachments[0]["text"] as? String == NotificationFixtures.critical.text)
            #expect((attachments[0]["text"] as? String)?.contains("数据同步延迟 3 小时") == true)
        }
    }

    @Test func slackColourFollowsLevelAndResolution() {
        #expect(SlackChannel.color(for: NotificationFixtures.with(level: .critical, status: .firing)) == "danger")
        #expect(SlackChannel.color(for: NotificationFixtures.with(level: .warning, status: .firing)) == "warning")
        #expect(SlackChannel.color(for: NotificationFixtures.with(level: .critical, status: .resolved)) == "good")
        #expect(SlackChannel.color(for: NotificationFixtures.with(level: .warning, status: .resolved)) == "good")
    }

    @Test func slackRefusalNamesURLStatusAndBody() async throws {
        try await HTTPSink.with(HTTPSink.Options(failFirst: 1, failureStatus: 404, failureBody: "no_service")) { sink in
            let url = sink.url("/services/gone")
            let error = await #expect(throws: HTTPChannelError.self) {
                try await SlackChannel(webhookURL: url).send(NotificationFixtures.critical)
            }
            #expect(error?.status == 404)
            #expect(error?.description == "slack webhook \(url) answered HTTP 404: no_service")
        }
    }

    @Test func templateFillsEscapedValuesAndSendsTheAuthHeader() async throws {
        let template = try WebhookBodyTemplate(
            #"{"msg": "{{title}}", "detail": "{{ text }}", "level": "{{level}}", "status": "{{status}}", "n": {{count}}}"#
        )
        var notification = NotificationFixtures.critical
        notification.alerts[0].name = #"Disk "data" 满"#
        notification.alerts[0].summary = "第一行\n第二行\t\\ 结束"
        try await HTTPSink.with { sink in
            let channel = WebhookChannel(
                name: "sms", url: sink.url("/sms/send"), authHeader: ("Authorization", "Bearer t0ken"),
                template: template)
            try await channel.send(notification)

            let request = try #require(sink.requests.first)
            #expect(request.header("Authorization") == "Bearer t0ken")
            let json = try request.jsonObject()
            #expect(json["msg"] as? String == #"[CRITICAL] 2 firing: APIHighErrorRate, Disk "data" 满"#)
            #expect(json["detail"] as? String == notification.text)
            #expect((json["detail"] as? String)?.contains("第一行\n第二行\t\\ 结束") == true)
            #expect(json["level"] as? String == "critical")
            #expect(json["status"] as? String == "firing")
            #expect(json["n"] as? Int == 2)
        }
    }

    @Test func defaultTemplateSendsTheTitleAsMessage() async throws {
        try await HTTPSink.with { sink in
            try await WebhookChannel(name: "phone", url: sink.url("/call")).send(NotificationFixtures.critical)
            let json = try #require(try sink.requests.first?.jsonObject())
            #expect(json.count == 1)
            #expect(json["message"] as? String == "[CRITICAL] 2 firing: APIHighErrorRate, DataSyncLag")
        }
    }

    @Test func invalidTemplatesAreRefusedWithTheReason() {
        func problem(_ text: String) -> String? {
            do {
                _ = try WebhookBodyTemplate(text)
                return nil
            } catch {
                return error.reason
            }
        }
        // A string placeholder without quotes.
        let unquoted = problem(#"{"msg": {{title}}}"#)
        #expect(unquoted?.contains("not valid JSON") == true)
        #expect(unquoted?.contains("line 1, column 9") == true)
        #expect(problem(#"{"msg": "{{titel}}"}"#)?.contains("unknown placeholder {{titel}}") == true)
        #expect(problem(#"{"msg": "{{title}}""#)?.contains("expected ',' or '}'") == true)
        #expect(problem(#"{"msg": "{{title}"}"#)?.contains("without a closing") == true)
        #expect(problem(#"{"msg": "{{title}}", "n": {{count}}}"#) == nil)
    }

    @Test func errorStatusQuotesAbout200BytesOfTheBody() async throws {
        let body = String(repeating: "网关错误", count: 30)  // 360 bytes of UTF-8
        try await HTTPSink.with(HTTPSink.Options(failFirst: 1, failureStatus: 503, failureBody: body)) { sink in
            let url = sink.url("/sms")
            let error = await #expect(throws: HTTPChannelError.self) {
                try await WebhookChannel(name: "sms", url: url).send(NotificationFixtures.critical)
            }
            #expect(error?.status == 503)
            #expect(error?.url == url)
            // 200 bytes end inside the 67th character; the quote stops before it.
            #expect(error?.detail == String(body.prefix(66)))
        }
    }

    @Test func slowReceiverTimesOut() async throws {
        // Far beyond the timeout, so even a machine stalled for seconds cannot see the answer first.
        try await HTTPSink.with(HTTPSink.Options(delay: .seconds(30))) { sink in
            let channel = WebhookChannel(name: "sms", url: sink.url("/slow"), timeout: .milliseconds(300))
            let error = await #expect(throws: HTTPChannelError.self) {
                try await channel.send(NotificationFixtures.critical)
            }
            #expect(error?.status == nil)
            #expect(error?.detail == "no response within 0.3 seconds")
        }
    }
}
