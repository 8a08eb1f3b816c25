import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolStore

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert rules, evaluation, history, silences and channel tests.",
        discussion: """
            The alert engine runs inside `serve` and `worker` every alerts.interval
            seconds; `alerts check` runs it once (for cron). Rules: alerts.rules_file,
            else the built-in rules with the operations manual's thresholds (`alerts
            rules` prints them). Channels (email, slack, sms, phone, webhook) are
            configured under alerts.* keys; see docs/operations.md.
            """,
        subcommands: [
            AlertsCheckCommand.self, AlertsListCommand.self, AlertsSilenceCommand.self, AlertsSilencesCommand.self,
            AlertsRulesCommand.self, AlertsTestCommand.self,
        ])
}

struct AlertsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Measure, evaluate every rule once, record alerts and send what is due.",
        discussion: """
            Runs the health and performance checks, turns their figures into signals, and
            evaluates the rules: a rule's alert is pending until its condition has held
            for its `for` duration (measured across runs, so run this from cron every
            minute), then firing and sent; sent again after its level's repeat interval;
            resolved (and a resolved notice sent) when the condition stops holding.

            Exit code: 0 when nothing (or only info) fires, 1 when a warning fires, 2 when
            a critical alert does.

            Examples:
              stockschool alerts check
              * * * * * cd /srv/stockschool && stockschool alerts check --json >> logs/alerts.log
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: APIProbeOptions

    func run() async throws {
        let configuration = try global.configuration()
        let rules = try AlertSetup.rules(configuration)
        let collected = await SignalCollector(
            configuration: configuration, apiURL: probe.apiURL(configuration)
        ).collect()
        let outcome = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            let engine = try AlertSetup.engine(
                configuration, store: store, rules: rules,
                channels: AlertSetup.channels(configuration, metrics: AlertMetrics()))
            return try await engine.evaluate(collected.signals)
        }
        if global.json {
            struct Sent: Encodable {
                let channel: String
                let title: String
                let error: String?
            }
            struct Report: Encodable {
                let firing: [AlertJSON]
                let pending: [AlertJSON]
                let resolved: [AlertJSON]
                let silenced: [String]
                let notifications: [Sent]
            }
            let item = { (alert: Alert) in AlertJSON(alert) }
            try Output.json(
                Report(
                    firing: outcome.firing.map(item), pending: outcome.pending.map(item),
                    resolved: outcome.resolved.map(item), silenced: outcome.silenced.map(\.fingerprint),
                    notifications: outcome.deliveries.map {
                        Sent(channel: $0.channel, title: $0.notification.title, error: $0.error)
                    }))
        } else {
            let rows =
                (outcome.firing + outcome.pending + outcome.resolved).map { alert in
                    [
                        CheckTable.mark(alert.level),
                        alert.status.rawValue
                            + (outcome.silenced.contains(alert) ? " (silenced)" : ""), alert.name, alert.summary,
                    ]
                }
            if rows.isEmpty {
                print("no alerts: \(rules.rules.count) rules evaluated against \(collected.signals.count) signals")
            } else {
                Output.table(["LEVEL", "STATUS", "ALERT", "SUMMARY"], rows)
            }
            for delivery in outcome.deliveries {
                print(
                    "→ \(delivery.channel): \(delivery.notification.title)"
                        + (delivery.error.map { " — NOT SENT: \($0)" } ?? " — sent"))
            }
        }
        let worst = outcome.firing.map(\.level).max() ?? .ok
        if worst.exitCode != 0 { throw ExitCode(worst.exitCode) }
    }
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Alert history from the alerts table, newest first.",
        discussion: """
            Examples:
              stockschool alerts list
              stockschool alerts list --status firing
              stockschool alerts list --json --limit 500 | jq '.items[] | select(.level == "critical")'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only alerts in this state: pending, firing or resolved.", valueName: "status"))
    var status: String?

    @Option(help: ArgumentHelp("How many alerts.", valueName: "n"))
    var limit = 50

    func validate() throws {
        if let status, AlertStatus(rawValue: status) == nil {
            throw ValidationError("--status must be pending, firing or resolved, got '\(status)'")
        }
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1–100000, got \(limit)") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let records = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await AlertStore(store).recent(limit: limit, status: status.flatMap(AlertStatus.init(rawValue:)))
        }
        if global.json {
            struct Items: Encodable { let items: [AlertJSON] }
            try Output.json(Items(items: records.map(AlertJSON.init(record:))))
            return
        }
        guard !records.isEmpty else {
            print("no alerts recorded")
            return
        }
        func time(_ date: Date?) -> String {
            guard let date else { return "" }
            return String(Timestamp(date).iso8601.prefix(19))
        }
        let rows: [[String]] = records.map { r in
            let status = r.alert.status.rawValue + (r.silenced ? " (silenced)" : "")
            return [
                String(r.id), CheckTable.mark(r.alert.level), status, r.alert.name, time(r.alert.startsAt),
                time(r.alert.endsAt), String(r.notifications), r.alert.summary,
            ]
        }
        Output.table(["ID", "LEVEL", "STATUS", "ALERT", "STARTED", "ENDED", "SENT", "SUMMARY"], rows)
    }
}

struct AlertsSilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Stop notifications for matching alerts for a while (or end a silence with --expire).",
        discussion: """
            Matching alerts are still evaluated and recorded; they are not sent until the
            silence ends. If one is still firing then, it is sent at the next evaluation.

            Examples:
              stockschool alerts silence --match alertname=HighCPUUsage --for 2h --comment "reindexing"
              stockschool alerts silence --match alertname=SyncDelayed --match dataset=daily_basic --for 1d
              stockschool alerts silence --expire 3
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("match"),
        help: ArgumentHelp("label=value; repeat to require several.", valueName: "label=value"))
    var matchers: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 2h, 1d, …", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Why (shown by `alerts silences`).", valueName: "text"))
    var comment = ""

    @Option(help: ArgumentHelp("End the silence with this id now.", valueName: "id"))
    var expire: Int64?

    func validate() throws {
        if expire != nil {
            guard matchers.isEmpty, duration == nil else {
                throw ValidationError("--expire ends a silence; it takes no --match or --for")
            }
            return
        }
        guard let duration else { throw ValidationError("--for is required (e.g. --for 2h)") }
        guard let parsed = AlertDuration.parse(duration), parsed > .zero, parsed <= .seconds(366 * 86_400) else {
            throw ValidationError("--for must be a duration between 1s and 366d like 30m or 2h, got '\(duration)'")
        }
        do {
            _ = try Silence.parseMatchers(matchers)
        } catch let error as StockSchoolError {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            let alerts = AlertStore(store)
            if let expire {
                guard try await alerts.expireSilence(id: expire, at: .now) else {
                    throw CommandFailure(
                        description: "no active silence with id \(expire); `stockschool alerts silences` lists them")
                }
                print("silence \(expire) ended")
                return
            }
            let now = Timestamp.now
            let length = AlertDuration.parse(duration ?? "") ?? .zero
            let silence = try await alerts.addSilence(
                matchers: try Silence.parseMatchers(matchers), from: now,
                until: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + length.seconds),
                createdBy: ProcessInfo.processInfo.environment["USER"] ?? "unknown", comment: comment)
            if global.json {
                struct Made: Encodable {
                    let id: Int64
                    let matchers: [String: String]
                    let ends_at: String
                }
                try Output.json(Made(id: silence.id, matchers: silence.matchers, ends_at: silence.endsAt.iso8601))
            } else {
                let text = silence.matchers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: " ")
                print("silence \(silence.id): \(text) until \(silence.endsAt.iso8601)")
            }
        }
    }
}

struct AlertsSilencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silences", abstract: "Silences in force now.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.configuration()
        let silences = try await withStore(configuration) { store in
            try await requireCurrentSchema(store)
            return try await AlertStore(store).silences(activeAt: .now)
        }
        let rows = silences.map { s in
            [
                String(s.id),
                s.matchers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                s.endsAt.iso8601.prefix(19).description, s.createdBy, s.comment,
            ]
        }
        if rows.isEmpty {
            print("no silences in force")
        } else {
            Output.table(["ID", "MATCH", "UNTIL", "BY", "COMMENT"], rows)
        }
    }
}

struct AlertsRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Print the alert rules in force (or the signals rules can test).",
        discussion: """
            Without alerts.rules_file this prints the built-in rules as YAML: save them to
            a file, edit, and set alerts.rules_file to use your own.

            Examples:
              stockschool alerts rules > alerts.yaml
              stockschool alerts rules --signals
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List the signals a rule can test instead.")
    var signals = false

    func run() async throws {
        let configuration = try global.configuration()
        if signals {
            Output.table(["SIGNAL", "MEANING"], Signal.known.sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
            return
        }
        if let path = configuration.ops.alertRulesFile {
            let set = try AlertRuleSet.load(path: path)
            print("# \(path): \(set.rules.count) rules, valid")
            print((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        } else {
            print(AlertRuleSet.defaultYAML)
        }
    }
}

struct AlertsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notification through one channel.",
        discussion: """
            Examples:
              stockschool alerts test --channel email
              stockschool alerts test --channel slack
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("email, slack, sms, phone or webhook.", valueName: "name"))
    var channel: String

    func validate() throws {
        guard AlertRuleSet.channelNames.contains(channel) else {
            throw ValidationError(
                "--channel must be one of \(AlertRuleSet.channelNames.sorted().joined(separator: ", ")), got '\(channel)'"
            )
        }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let channels = AlertSetup.channels(configuration, metrics: AlertMetrics())
        guard channels[channel] != nil else {
            throw CommandFailure(
                description:
                    "channel '\(channel)' is not configured; set its alerts.\(channel).* keys (docs/operations.md)")
        }
        let delivery = await AlertDispatcher(channels: channels).test(
            channel: channel, externalURL: HealthChecker.defaultAPIURL(configuration))
        if let error = delivery.error { throw CommandFailure(description: "\(channel): \(error)") }
        print("sent \"\(delivery.notification.title)\" through \(channel)")
    }
}

/// An alert as `alerts check --json` and `alerts list --json` print it.
struct AlertJSON: Encodable {
    let id: Int64?
    let alertname: String
    let level: String
    let status: String
    let summary: String
    let labels: [String: String]
    let value: Double?
    let starts_at: String
    let ends_at: String?
    let notifications: Int64?
    let silenced: Bool?

    init(_ alert: Alert, record: AlertRecord? = nil) {
        id = record?.id
        alertname = alert.name
        level = alert.level.rawValue
        status = alert.status.rawValue
        summary = alert.summary
        labels = alert.labels
        value = alert.value
        starts_at = Timestamp(alert.startsAt).iso8601
        ends_at = alert.endsAt.map { Timestamp($0).iso8601 }
        notifications = record?.notifications
        silenced = record?.silenced
    }

    init(record: AlertRecord) { self.init(record.alert, record: record) }
}
