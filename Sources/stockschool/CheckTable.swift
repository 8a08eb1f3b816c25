import StockSchoolOps

/// Prints health and performance results as a table: level, check, latency, what was found.
enum CheckTable {
    static func print(_ checks: [CheckResult], verdict: OpsLevel, title: String) {
        Output.table(
            ["LEVEL", "CHECK", "LATENCY", "DETAIL"],
            checks.map { check in
                [
                    mark(check.level), check.name,
                    check.latencyMS.map { String(format: "%.1f ms", $0) } ?? "",
                    check.message,
                ]
            })
        Swift.print("\n\(title): \(mark(verdict))")
    }

    static func mark(_ level: OpsLevel) -> String {
        switch level {
        case .ok: "ok"
        case .info: "info"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        }
    }
}
