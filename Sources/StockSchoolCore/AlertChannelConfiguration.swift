/// Where alerts are delivered (`alerts.*`): the operations manual's four channels — email for
/// every level, Slack for critical and warning, SMS for critical, phone when the system is down —
/// and an Alertmanager-compatible webhook for anything else that speaks that format.
///
/// A channel whose address is not set is simply not configured; nothing here has a default
/// destination, so a fresh installation sends nothing anywhere.
public struct AlertChannelConfiguration: Sendable, Equatable {
    public var email = Email()
    /// `alerts.slack.webhook_url`: a Slack incoming-webhook URL.
    public var slackWebhookURL: String? = nil
    public var sms = Gateway()
    public var phone = Gateway()
    /// `alerts.webhook.url`: a receiver that takes Alertmanager's webhook payload (version 4).
    public var alertmanagerWebhookURL: String? = nil

    public init() {}

    /// `alerts.email.*`: an SMTP submission server and the message's envelope.
    public struct Email: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
        public var smtpHost: String? = nil
        /// 587 is submission with STARTTLS, the usual pairing with the default `tls` mode.
        public var smtpPort: Int = 587
        public var tls: SMTPTLSMode = .starttls
        public var username: String? = nil
        public var password: String? = nil
        /// `alerts@example.com` or `StockSchool <alerts@example.com>`.
        public var from: String? = nil
        public var to: [String] = []
        /// A PEM file of CA certificates trusted in addition to the system's, for a relay with a
        /// private CA; verification stays on.
        public var caFile: String? = nil

        public init() {}

        public var isConfigured: Bool { smtpHost != nil }

        /// Everything but the password, which is shown as `***` when set: configurations get logged.
        public var description: String {
            let login = username.map { "\($0):\(password == nil ? "" : "***")@" } ?? ""
            return "smtp://\(login)\(smtpHost ?? "(none)"):\(smtpPort) tls=\(tls.rawValue) from=\(from ?? "(none)")"
                + " to=\(to.joined(separator: ",")) ca_file=\(caFile ?? "(none)")"
        }
        public var debugDescription: String { description }
    }

    /// `alerts.sms.*` and `alerts.phone.*`: an HTTP gateway taking a JSON body.
    public struct Gateway: Sendable, Equatable {
        public var url: String? = nil
        public var authHeader: HeaderField? = nil
        public var template: WebhookBodyTemplate = .default

        public init() {}

        public var isConfigured: Bool { url != nil }
    }

    /// One HTTP header, written `Name: value` in the configuration
    /// (`Authorization: Bearer 0123…`).
    public struct HeaderField: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// `Authorization: ***`: the value is usually a credential, and configurations get logged.
        public var description: String { "\(name): ***" }
        public var debugDescription: String { description }
    }

    /// The checks no single key can make: a destination without an address, or half a login.
    func validate() throws(StockSchoolError) {
        func missing(_ key: String, _ reason: String) -> StockSchoolError {
            .invalidConfiguration(key: key, source: "configuration", reason: reason)
        }
        if email.isConfigured {
            if email.from == nil {
                throw missing("alerts.email.from", "required when alerts.email.smtp_host is set")
            }
            if email.to.isEmpty {
                throw missing("alerts.email.to", "required when alerts.email.smtp_host is set")
            }
        } else if email.from != nil || !email.to.isEmpty {
            throw missing("alerts.email.smtp_host", "required when alerts.email.from or alerts.email.to is set")
        }
        if email.username != nil && email.password == nil {
            throw missing("alerts.email.password", "required when alerts.email.username is set")
        }
        if email.password != nil && email.username == nil {
            throw missing("alerts.email.username", "required when alerts.email.password is set")
        }
        for (name, gateway) in [("sms", sms), ("phone", phone)] where !gateway.isConfigured {
            if gateway.authHeader != nil || gateway.template != .default {
                throw missing(
                    "alerts.\(name).url", "required when alerts.\(name).auth_header or alerts.\(name).template is set")
            }
        }
    }
}

extension StockSchoolConfiguration {
    /// `alerts.email.*`, `alerts.slack.webhook_url`, `alerts.<sms|phone>.<url|auth_header|template>`
    /// and `alerts.webhook.url`.
    static let alertChannelKeys: [Key] =
        [
            alertKey("email.smtp_host") { c, v in
                c.alertChannels.email.smtpHost = try hostName(v)
            },
            alertKey("email.smtp_port") { c, v in
                guard let port = Int(v), (1...65_535).contains(port) else {
                    throw ValueError(reason: "expected a port number in 1...65535, got '\(v)'")
                }
                c.alertChannels.email.smtpPort = port
            },
            alertKey("email.tls") { c, v in
                guard let mode = SMTPTLSMode(rawValue: v.lowercased()) else {
                    let modes = SMTPTLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValueError(reason: "expected one of \(modes), got '\(v)'")
                }
                c.alertChannels.email.tls = mode
            },
            alertKey("email.username") { c, v in
                c.alertChannels.email.username = v.isEmpty ? nil : try singleLine(v)
            },
            alertKey("email.password") { c, v in
                c.alertChannels.email.password = v.isEmpty ? nil : try singleLine(v)
            },
            alertKey("email.from") { c, v in
                c.alertChannels.email.from = v.isEmpty ? nil : try emailAddress(v)
            },
            alertKey("email.to") { c, v in
                c.alertChannels.email.to = try v.split(separator: ",")
                    .map { $0.trimming(" ") }
                    .filter { !$0.isEmpty }
                    .map { try emailAddress($0) }
            },
            alertKey("email.ca_file") { c, v in
                c.alertChannels.email.caFile = v.isEmpty ? nil : v
            },
            alertKey("slack.webhook_url") { c, v in
                c.alertChannels.slackWebhookURL = v.isEmpty ? nil : try httpURL(v)
            },
            alertKey("webhook.url") { c, v in
                c.alertChannels.alertmanagerWebhookURL = v.isEmpty ? nil : try httpURL(v)
            },
        ]
        + gatewayKeys("sms", \.sms) + gatewayKeys("phone", \.phone)

    private static func gatewayKeys(
        _ name: String,
        _ gateway: WritableKeyPath<AlertChannelConfiguration, AlertChannelConfiguration.Gateway> & Sendable
    ) -> [Key] {
        [
            alertKey("\(name).url") { c, v in
                c.alertChannels[keyPath: gateway].url = v.isEmpty ? nil : try httpURL(v)
            },
            alertKey("\(name).auth_header") { c, v in
                c.alertChannels[keyPath: gateway].authHeader = v.isEmpty ? nil : try headerField(v)
            },
            alertKey("\(name).template") { c, v in
                do {
                    c.alertChannels[keyPath: gateway].template = try WebhookBodyTemplate(v)
                } catch {
                    throw ValueError(reason: "\(error)")
                }
            },
        ]
    }

    /// `alerts.<path>` read from `STOCKSCHOOL_ALERTS_<PATH>` (dots and case folded).
    private static func alertKey(
        _ path: String, apply: @escaping @Sendable (inout StockSchoolConfiguration, String) throws -> Void
    ) -> Key {
        let variable = "STOCKSCHOOL_ALERTS_" + path.uppercased().replacing(".", with: "_")
        return Key(path: "alerts.\(path)", environment: [variable], apply: apply)
    }

    private static func hostName(_ value: String) throws(ValueError) -> String {
        guard !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "/" || $0.isNewline }) else {
            throw ValueError(reason: "expected a host name or address (no scheme, path or spaces), got '\(value)'")
        }
        return value
    }

    /// Header values end up on the wire: a line break would let a value smuggle in headers.
    private static func singleLine(_ value: String) throws(ValueError) -> String {
        guard !value.contains(where: \.isNewline) else { throw ValueError(reason: "must be a single line") }
        return value
    }

    /// `a@b` or `Name <a@b>`: enough to catch a missing or mangled address, not RFC 5322 in full.
    private static func emailAddress(_ value: String) throws(ValueError) -> String {
        let address: Substring
        if let open = value.lastIndex(of: "<") {
            guard value.hasSuffix(">") else {
                throw ValueError(
                    reason: "expected an address like alerts@example.com or Name <alerts@example.com>, got '\(value)'")
            }
            address = value[value.index(after: open)..<value.index(before: value.endIndex)]
        } else {
            address = Substring(value)
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !address.contains(where: { $0 == " " || $0 == "," || $0.isNewline })
        else {
            throw ValueError(reason: "expected an email address containing @ (like alerts@example.com), got '\(value)'")
        }
        return try singleLine(value)
    }

    private static func httpURL(_ value: String) throws(ValueError) -> String {
        let rest: Substring
        if value.hasPrefix("https://") {
            rest = value.dropFirst("https://".count)
        } else if value.hasPrefix("http://") {
            rest = value.dropFirst("http://".count)
        } else {
            throw ValueError(reason: "expected an http:// or https:// URL, got '\(value)'")
        }
        let host = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        guard !host.isEmpty, !value.contains(where: { $0 == " " || $0.isNewline }) else {
            throw ValueError(reason: "expected an http:// or https:// URL with a host and no spaces, got '\(value)'")
        }
        return value
    }

    private static func headerField(_ value: String) throws(ValueError) -> AlertChannelConfiguration.HeaderField {
        guard let colon = value.firstIndex(of: ":") else {
            throw ValueError(reason: "expected 'Name: value' (e.g. 'Authorization: Bearer …'), got no ':'")
        }
        let name = value[..<colon].trimming(" ")
        let fieldValue = value[value.index(after: colon)...].trimming(" ")
        let tokenSymbols = Set("!#$%&'*+-.^_`|~")
        guard !name.isEmpty,
            name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || tokenSymbols.contains($0) })
        else {
            throw ValueError(reason: "'\(name)' is not a valid header name (letters, digits and -)")
        }
        guard !fieldValue.isEmpty else { throw ValueError(reason: "header \(name) has an empty value") }
        return AlertChannelConfiguration.HeaderField(name: name, value: try singleLine(fieldValue))
    }
}

extension StringProtocol {
    /// Without Foundation: drops `character` from both ends.
    fileprivate func trimming(_ character: Character) -> String {
        var trimmed = self[...].drop(while: { $0 == character })
        while trimmed.last == character { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
