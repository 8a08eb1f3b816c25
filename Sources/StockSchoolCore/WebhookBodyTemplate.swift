/// The JSON body an SMS or voice gateway receives, written by the operator with placeholders:
/// `{{title}}`, `{{text}}`, `{{level}}`, `{{status}}` and `{{count}}`.
///
/// Gateways each want their own field names (`message`, `content`, `tts_text`, …), so the body is
/// a template rather than a fixed shape. String placeholders are replaced with JSON-escaped text
/// *without* quotes — the template supplies them (`"msg": "{{title}}"`) — so a title with quotes,
/// newlines or Chinese stays valid JSON; `{{count}}` is a bare number. The template is checked
/// when it is configured, by filling every placeholder and parsing the result, so a broken body is
/// a configuration error at startup rather than a failed page during an incident.
public struct WebhookBodyTemplate: Sendable, Equatable, CustomStringConvertible {
    /// The template as the operator wrote it.
    public let text: String

    /// The placeholders a template may use, in the order documentation lists them.
    public static let placeholders = ["title", "text", "level", "status", "count"]

    /// `{"message": "{{title}}"}`: one line, which every SMS gateway can take.
    public static let `default` = WebhookBodyTemplate(checked: #"{"message": "{{title}}"}"#)

    /// Checks `text`: known placeholders only, and valid JSON once they are filled in.
    public init(_ text: String) throws(Problem) {
        // Letters only, so a placeholder used where a number or literal belongs (`"n": {{title}}`)
        // leaves invalid JSON behind and is caught here.
        let sample = Values(title: "sample", text: "sample", level: "sample", status: "sample", count: 1)
        let filled = try Self.fill(text, with: sample)
        do {
            try JSONSyntax.check(filled)
        } catch {
            throw Problem(
                reason: "not valid JSON once placeholders are filled in: \(error)"
                    + " (string placeholders go inside quotes, e.g. \"{{title}}\"; {{count}} is a number)")
        }
        self.text = text
    }

    private init(checked text: String) { self.text = text }

    public var description: String { text }

    /// What the placeholders stand for in one notification.
    public struct Values: Sendable, Equatable {
        public var title: String
        public var text: String
        public var level: String
        public var status: String
        public var count: Int

        public init(title: String, text: String, level: String, status: String, count: Int) {
            self.title = title
            self.text = text
            self.level = level
            self.status = status
            self.count = count
        }
    }

    /// Why a template was refused.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The body for one notification. Cannot fail: the template was checked when it was made.
    public func render(_ values: Values) -> String {
        (try? Self.fill(text, with: values)) ?? text
    }

    /// Replaces every `{{name}}` in one left-to-right pass, so text inside a substituted value is
    /// never itself taken for a placeholder.
    static func fill(_ template: String, with values: Values) throws(Problem) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw Problem(reason: "'{{' without a closing '}}'")
            }
            let name = afterOpen[..<close.lowerBound].trimmingSpaces()
            switch name {
            case "title": output += jsonEscaped(values.title)
            case "text": output += jsonEscaped(values.text)
            case "level": output += jsonEscaped(values.level)
            case "status": output += jsonEscaped(values.status)
            case "count": output += String(values.count)
            default:
                let known = placeholders.map { "{{\($0)}}" }.joined(separator: ", ")
                throw Problem(reason: "unknown placeholder {{\(name)}}; known placeholders are \(known)")
            }
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        return output
    }

    /// The contents of a JSON string literal for `value`, without the quotes (RFC 8259 §7).
    public static func jsonEscaped(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{08}": escaped += "\\b"
            case "\u{0C}": escaped += "\\f"
            // JavaScript treats these two as line ends; escaping them keeps the body safe to
            // paste into a script as well as to parse.
            case "\u{2028}": escaped += "\\u2028"
            case "\u{2029}": escaped += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}

extension Substring {
    /// `{{ title }}` means `{{title}}`: spaces inside the braces are a matter of taste.
    fileprivate func trimmingSpaces() -> String {
        var trimmed = self.drop(while: { $0 == " " })
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
