/// One sample of the Prometheus text format: `name{label="value",…} value [timestamp]`.
public struct PrometheusSample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// Parses an exposition (format 0.0.4). Comments and malformed lines are skipped: a scrape is
    /// read for figures, and one odd line from an exporter must not lose the rest.
    public static func parse(_ text: String) -> [PrometheusSample] {
        text.split(whereSeparator: \.isNewline).compactMap { parseLine(Substring($0)) }
    }

    static func parseLine(_ line: Substring) -> PrometheusSample? {
        let trimmed = line.drop { $0 == " " }
        guard let first = trimmed.first, first != "#" else { return nil }
        var index = trimmed.startIndex
        while index < trimmed.endIndex, trimmed[index] != "{", trimmed[index] != " " {
            index = trimmed.index(after: index)
        }
        let name = String(trimmed[..<index])
        var labels: [String: String] = [:]
        if index < trimmed.endIndex, trimmed[index] == "{" {
            guard let (parsed, end) = parseLabels(trimmed, from: trimmed.index(after: index)) else { return nil }
            labels = parsed
            index = end
        }
        let rest = trimmed[index...].split(separator: " ", omittingEmptySubsequences: true)
        guard !name.isEmpty, let valueText = rest.first, let value = parseValue(valueText) else { return nil }
        return PrometheusSample(name: name, labels: labels, value: value)
    }

    static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// Reads `key="value",…}` starting after `{`; returns the labels and the index after `}`.
    static func parseLabels(_ text: Substring, from start: Substring.Index) -> ([String: String], Substring.Index)? {
        var labels: [String: String] = [:]
        var index = start
        func skipSpaces() {
            while index < text.endIndex, text[index] == " " || text[index] == "," { index = text.index(after: index) }
        }
        while true {
            skipSpaces()
            guard index < text.endIndex else { return nil }
            if text[index] == "}" { return (labels, text.index(after: index)) }
            guard let equals = text[index...].firstIndex(of: "=") else { return nil }
            let key = String(text[index..<equals]).trimmingSpaces
            index = text.index(after: equals)
            guard index < text.endIndex, text[index] == "\"" else { return nil }
            index = text.index(after: index)
            var value = ""
            while index < text.endIndex, text[index] != "\"" {
                if text[index] == "\\" {
                    index = text.index(after: index)
                    guard index < text.endIndex else { return nil }
                    switch text[index] {
                    case "n": value.append("\n")
                    default: value.append(text[index])
                    }
                } else {
                    value.append(text[index])
                }
                index = text.index(after: index)
            }
            guard index < text.endIndex else { return nil }
            index = text.index(after: index)
            labels[key] = value
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
