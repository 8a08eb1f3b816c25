import Foundation
import StockSchoolCore
import StockSchoolResearch

/// What `backtest` prints and encodes.
struct BacktestSummary: Encodable {
    let id: Int64?
    let signal: String
    let seconds: Double
    let start: String?
    let end: String?
    let settings: BacktestSettings
    let metrics: PerformanceMetrics
    let final_nav: Double?
    let benchmark: String?
    let orders_filled: Int
    let orders_rejected: [String: Int]

    init(id: Int64?, signal: String, seconds: Double, result: BacktestResult) {
        self.id = id
        self.signal = signal
        self.seconds = seconds
        self.start = result.dates.first?.description
        self.end = result.dates.last?.description
        self.settings = result.settings
        self.metrics = result.metrics
        self.final_nav = result.nav.last
        self.benchmark = result.benchmarkCode?.description
        self.orders_filled = result.trades.count - result.rejectedTrades.count
        self.orders_rejected = Dictionary(grouping: result.rejectedTrades) { $0.reason?.rawValue ?? "unknown" }
            .mapValues(\.count)
    }

    static func print(_ result: BacktestResult, id: Int64?, signal: String, seconds: Double) {
        let m = result.metrics
        let settings = result.settings
        Swift.print(
            "Backtest\(id.map { " #\($0)" } ?? ""): \(settings.strategy) by \(signal), \(settings.rebalance.rawValue) rebalance at the \(settings.dealPrice.rawValue), \(result.dates.first?.description ?? "")–\(result.dates.last?.description ?? "") (\(result.dates.count) days) in \(String(format: "%.2f", seconds)) s"
        )
        var rows: [[String]] = [
            ["total return", percent(m.totalReturn), ""],
            ["annual return", percent(m.annualReturn), percent(m.benchmarkAnnualReturn)],
            ["annual volatility", percent(m.annualVolatility), ""],
            ["Sharpe", fixed(m.sharpe), ""],
            ["Sortino", fixed(m.sortino), ""],
            ["max drawdown", percent(m.maxDrawdown.depth), ""],
            ["Calmar", fixed(m.calmar), ""],
            ["win rate (days up)", percent(m.winRate), ""],
            ["turnover (daily, one-sided)", percent(m.turnover), ""],
        ]
        if result.benchmarkCode != nil {
            rows.append(["excess annual return", percent(m.excessAnnualReturn), ""])
            rows.append(["information ratio", fixed(m.informationRatio), ""])
        }
        Output.table(["metric", "strategy", result.benchmarkCode?.description ?? "benchmark"], rows)
        let dd = m.maxDrawdown
        if let peak = dd.peak, let trough = dd.trough {
            Swift.print(
                "Max drawdown: peak \(peak), trough \(trough), \(dd.recovery.map { "recovered \($0)" } ?? "not recovered")"
            )
        }
        let rejected = Dictionary(grouping: result.rejectedTrades) { $0.reason?.rawValue ?? "unknown" }
        Swift.print(
            "Orders: \(result.trades.count - result.rejectedTrades.count) filled, \(result.rejectedTrades.count) rejected"
                + (rejected.isEmpty
                    ? ""
                    : " ("
                        + rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(
                            separator: ", ") + ")"))
        if let last = result.nav.last { Swift.print("Final NAV: \(String(format: "%.4f", last))") }
    }
}

private func percent(_ v: Double?) -> String {
    guard let v, v.isFinite else { return "" }
    return String(format: "%.2f%%", v * 100)
}

private func fixed(_ v: Double?) -> String {
    guard let v, v.isFinite else { return "" }
    return String(format: "%.3f", v)
}

/// `backtest --out DIR`: the run as three CSV files.
enum BacktestFiles {
    static func write(_ result: BacktestResult, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StockSchoolError.invalidArgument(
                name: "--out", reason: "cannot create '\(directory)': \(error.localizedDescription)")
        }
        func number(_ v: Double?) -> String { v.map { $0.isFinite ? String($0) : "" } ?? "" }
        var nav = ["trade_date,value,cash,nav,return,turnover,benchmark_nav"]
        for i in result.dates.indices {
            nav.append(
                [
                    result.dates[i].description, number(result.value[i]), number(result.cash[i]), number(result.nav[i]),
                    number(result.returns[i]), number(result.turnover[i]), number(result.benchmarkNAV?[i]),
                ].joined(separator: ","))
        }
        var positions = ["trade_date,ts_code,shares,value,weight"]
        for p in result.positions {
            positions.append(
                [p.date.description, p.tsCode.description, number(p.shares), number(p.value), number(p.weight)]
                    .joined(separator: ","))
        }
        var trades = ["trade_date,ts_code,side,shares,price,amount,commission,stamp_duty,status,reason"]
        for t in result.trades {
            trades.append(
                [
                    t.date.description, t.tsCode.description, t.side.rawValue, number(t.shares), number(t.price),
                    number(t.amount), number(t.commission), number(t.stampDuty), t.status.rawValue,
                    t.reason?.rawValue ?? "",
                ].joined(separator: ","))
        }
        for (name, lines) in [("nav.csv", nav), ("positions.csv", positions), ("trades.csv", trades)] {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw StockSchoolError.invalidArgument(
                    name: "--out", reason: "cannot write '\(path)': \(error.localizedDescription)")
            }
        }
    }
}
