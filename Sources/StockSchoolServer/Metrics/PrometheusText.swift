/// Writes metric families in the Prometheus text exposition format 0.0.4, for the values that
/// are read at scrape time rather than counted as requests go by.
struct PrometheusText {
    private(set) var text = ""

    enum Kind: String {
        case counter, gauge
    }

    /// One family: HELP, TYPE, then one sample per label set (a family with no samples is
    /// still declared, so dashboards see it exists).
    mutating func family(
        _ name: String, _ kind: Kind, help: String, _ samples: [(labels: [(String, String)], value: Double)]
    ) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{" + sample.labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.format(sample.value))\n"
        }
    }

    mutating func family(_ name: String, _ kind: Kind, help: String, value: Double?) {
        family(name, kind, help: help, value.map { [(labels: [], value: $0)] } ?? [])
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
