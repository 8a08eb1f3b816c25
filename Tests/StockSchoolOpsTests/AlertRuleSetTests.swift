import StockSchoolOps
import Testing

@Suite struct AlertRuleSetTests {
    @Test func theBuiltInRulesCarryTheManualsThresholds() throws {
        let rules = AlertRuleSet.defaults()
        func rule(_ name: String) throws -> AlertRule { try #require(rules.rules.first { $0.name == name }) }
        // 关键指标阈值, one by one.
        #expect(try rule("HighCPUUsage").threshold == 80 && rule("HighCPUUsage").condition == .greater)
        #expect(try rule("HighMemoryUsage").threshold == 85)
        #expect(try rule("HighDiskUsage").threshold == 85)
        #expect(try rule("HighNetworkLatency").threshold == 100)
        #expect(try rule("APIHighLatency").threshold == 2 && rule("APIHighLatency").signal == "api_p95_seconds")
        #expect(try rule("APIHighErrorRate").threshold == 0.05)
        #expect(try rule("TooManyDatabaseConnections").threshold == 80)
        #expect(try rule("RedisHighMemory").threshold == 80)
        #expect(try rule("SyncDelayed").threshold == 2 && rule("SyncDelayed").signal == "sync_delay_hours")
        #expect(try rule("LowDataQuality").threshold == 0.8 && rule("LowDataQuality").condition == .less)
        #expect(try rule("HighFactorFailureRate").threshold == 0.1)
        #expect(try rule("HighCPUUsage").duration == .seconds(300))
        #expect(try rule("StockSchoolDown").labels["page"] == "phone")
        // 告警通知渠道: email for all, Slack for critical and warning, SMS for critical, phone when down.
        #expect(rules.routes["critical"] == ["email", "slack", "sms"])
        #expect(rules.routes["warning"] == ["email", "slack"])
        #expect(rules.routes["info"] == ["email"])
        let down = Alert(
            name: "StockSchoolDown", level: .critical, labels: ["page": "phone"], summary: "", status: .firing,
            startsAt: .now)
        #expect(rules.channels(for: down) == ["email", "slack", "sms", "phone"])
    }

    @Test func durations() {
        #expect(AlertDuration.parse("5m") == .seconds(300))
        #expect(AlertDuration.parse("1h30m") == .seconds(5400))
        #expect(AlertDuration.parse("2d") == .seconds(172_800))
        #expect(AlertDuration.parse("0s") == .zero)
        #expect(AlertDuration.parse("5") == nil && AlertDuration.parse("m") == nil && AlertDuration.parse("5x") == nil)
        #expect(AlertDuration.format(.seconds(5400)) == "1h30m")
    }

    @Test(arguments: [
        ("rules: []\nroutes: {critical: [pager]}", "line 2", "unknown channel 'pager'"),
        ("rules:\n  - alert: X\n    signal: cpu\n", "line 2", "unknown signal 'cpu'"),
        (
            "rules:\n  - alert: X\n    signal: cpu_usage_percent\n    condition: '=>'\n    threshold: 1\n    level: warning\n    summary: s",
            "line 2", "condition must be one of"
        ),
        (
            "rules:\n  - alert: X\n    signal: cpu_usage_percent\n    condition: '>'\n    threshold: high\n    level: warning\n    summary: s",
            "line 2", "threshold must be a number, got 'high'"
        ),
        (
            "rules:\n  - alert: X\n    signal: cpu_usage_percent\n    condition: '>'\n    threshold: 1\n    for: soon\n    level: warning\n    summary: s",
            "line 2", "`for` must be a duration"
        ),
        (
            "rules:\n  - alert: X\n    signal: cpu_usage_percent\n    condition: '>'\n    threshold: 1\n    level: urgent\n    summary: s",
            "line 2", "level must be critical, warning or info"
        ),
        ("rules:\n  - alert: X\n    sigal: cpu_usage_percent\n", "line 3", "unknown rule key 'sigal'"),
        ("rule: []", "line 1", "unknown key 'rule'"),
        ("rules: [", "line 2", "not valid YAML"),
    ])
    func badRuleFilesAreRejectedNamingTheLine(yaml: String, location: String, reason: String) {
        #expect {
            try AlertRuleSet.parse(yaml, fileName: "alerts.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("alerts.yaml") && text.contains(location) && text.contains(reason)
        }
    }

    @Test func templatesFillValueThresholdAndLabels() {
        let rule = AlertRule(
            name: "SyncDelayed", signal: "sync_delay_hours", condition: .greater, threshold: 2, level: .warning,
            summary: "{{ labels.dataset }} is {{value}} h behind (over {{ threshold }} h){{ labels.none }}")
        #expect(
            rule.render(rule.summary, value: 3.5, labels: ["dataset": "daily"]) == "daily is 3.5 h behind (over 2 h)")
        #expect(rule.render("{{ value }}", value: 0.123456, labels: [:]) == "0.123")
    }
}
