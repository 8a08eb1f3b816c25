import Foundation
import StockSchoolCore
import StockSchoolResearch

/// How `evaluate` prints, writes and encodes its results.
struct EvaluationReport {
    let run: EvaluationJob.Run
    let evaluations: [(String, FactorEvaluation)]
    let convention: ReturnConvention
    let quantiles: Int
    let seconds: Double
    let stored: Int

    /// One factor × horizon, with NaN as `nil` so JSON says `null`.
    struct Row: Encodable {
        let factor: String
        let horizon: Int
        let days: Int
        let coverage: Double?
        let ic: Stats
        let rank_ic: Stats
        let quantile_returns: [Double?]
        let spread: Stats
        let turnover: [Double?]
        let rank_autocorrelation: Double?
    }

    struct Stats: Encodable {
        let mean: Double?
        let std: Double?
        let ir: Double?
        let t_stat: Double?
        let p_value: Double?
        let positive_share: Double?

        init(_ s: ICSummary) {
            mean = value(s.mean)
            std = value(s.std)
            ir = value(s.ir)
            t_stat = value(s.tStat)
            p_value = value(s.pValue)
            positive_share = value(s.positiveShare)
        }
    }

    var rows: [Row] {
        evaluations.flatMap { name, evaluation in
            evaluation.horizons.map { h in
                Row(
                    factor: name, horizon: h.horizon, days: h.rankICSummary.days, coverage: value(evaluation.coverage),
                    ic: Stats(h.icSummary), rank_ic: Stats(h.rankICSummary),
                    quantile_returns: h.meanQuantileReturns.map(value), spread: Stats(h.spreadSummary),
                    turnover: h.turnover.map(value), rank_autocorrelation: value(h.meanRankAutocorrelation))
            }
        }
    }

    var suspended: Int { run.suspendedAtEntry.reduce(0, +) }
    var limitUp: Int { run.limitUpAtEntry.reduce(0, +) }

    struct JSON: Encodable {
        let stocks: Int
        let dates: Int
        let start: String?
        let end: String?
        let convention: String
        let quantiles: Int
        let excluded_suspended: Int
        let excluded_limit_up: Int
        let seconds: Double
        let stored_ic_rows: Int
        let results: [Row]
    }

    var json: JSON {
        JSON(
            stocks: run.tsCodes.count, dates: run.dates.count, start: run.dates.first?.description,
            end: run.dates.last?.description, convention: convention.rawValue, quantiles: quantiles,
            excluded_suspended: suspended, excluded_limit_up: limitUp, seconds: seconds, stored_ic_rows: stored,
            results: rows)
    }

    func writeCSV(to path: String) throws {
        var lines = [
            (["factor", "convention", "horizon", "days", "coverage"]
                + ["ic", "rank_ic", "spread"].flatMap { p in
                    ["mean", "std", "ir", "t_stat", "p_value", "positive_share"].map { "\(p)_\($0)" }
                }
                + (1...quantiles).map { "q\($0)_return" } + (1...quantiles).map { "q\($0)_turnover" }
                + ["rank_autocorrelation"]).joined(separator: ",")
        ]
        func cell(_ v: Double?) -> String { v.map { String($0) } ?? "" }
        func stats(_ s: Stats) -> [String] {
            [s.mean, s.std, s.ir, s.t_stat, s.p_value, s.positive_share].map(cell)
        }
        for row in rows {
            let name =
                row.factor.contains(",") || row.factor.contains("\"")
                ? "\"" + row.factor.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : row.factor
            lines.append(
                ([name, convention.rawValue, String(row.horizon), String(row.days), cell(row.coverage)]
                    + stats(row.ic) + stats(row.rank_ic) + stats(row.spread) + row.quantile_returns.map(cell)
                    + row.turnover.map(cell) + [cell(row.rank_autocorrelation)]).joined(separator: ","))
        }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw StockSchoolError.invalidArgument(
                name: "--csv", reason: "cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    func print(detailed: Bool) {
        let traded = suspended + limitUp
        Swift.print(
            "Evaluated \(evaluations.count) factor\(evaluations.count == 1 ? "" : "s") on \(Output.grouped(run.tsCodes.count)) stocks × \(Output.grouped(run.dates.count)) dates (\(run.dates.first?.description ?? "")–\(run.dates.last?.description ?? "")) in \(String(format: "%.2f", seconds)) s"
        )
        Swift.print(
            "Forward returns: \(convention == .next ? "next — close(t+1) → close(t+1+h)" : "close — close(t) → close(t+h)"), backward-adjusted; \(quantiles) quantiles"
        )
        Swift.print(
            "Left out at entry: \(Output.grouped(suspended)) stock-days suspended, \(Output.grouped(limitUp)) closing limit-up (\(Output.grouped(traded)) in all)"
        )
        if stored > 0 { Swift.print("Stored \(Output.grouped(stored)) daily ICs in factor_ic.") }
        Swift.print("")
        let horizons = evaluations.first?.1.horizons.map(\.horizon) ?? []
        if detailed {
            for (name, evaluation) in evaluations {
                Swift.print("\(name)   coverage \(percent(evaluation.coverage))")
                Output.table(
                    [
                        "h", "IC", "IC IR", "t", "p", "IC>0", "RankIC", "RankIC IR", "t", "p", "RankIC>0",
                        "Q\(quantiles)−Q1", "t", "autocorr",
                    ],
                    evaluation.horizons.map { h in
                        [
                            String(h.horizon), fixed(h.icSummary.mean, 4), fixed(h.icSummary.ir, 3),
                            fixed(h.icSummary.tStat, 2), pValue(h.icSummary.pValue), percent(h.icSummary.positiveShare),
                            fixed(h.rankICSummary.mean, 4), fixed(h.rankICSummary.ir, 3),
                            fixed(h.rankICSummary.tStat, 2),
                            pValue(h.rankICSummary.pValue), percent(h.rankICSummary.positiveShare),
                            bps(h.spreadSummary.mean), fixed(h.spreadSummary.tStat, 2),
                            fixed(h.meanRankAutocorrelation, 3),
                        ]
                    })
                Swift.print("\nMean forward return by quantile, demeaned by date (bp); turnover of each quantile:")
                Output.table(
                    ["quantile"] + horizons.map { "h=\($0)" } + horizons.map { "turnover h=\($0)" },
                    (0..<quantiles).map { q in
                        ["Q\(q + 1)"] + evaluation.horizons.map { bps($0.meanQuantileReturns[q]) }
                            + evaluation.horizons.map { percent($0.turnover[q]) }
                    })
                Swift.print("")
            }
            return
        }
        let first = horizons.first ?? 1
        Output.table(
            ["factor", "coverage", "IC h=\(first)", "RankIC", "RankIC IR", "t", "p", "Q\(quantiles)−Q1 bp"]
                + horizons.map { "RankIC h=\($0)" },
            evaluations.map { name, evaluation in
                let h = evaluation.horizons[0]
                return [
                    name, percent(evaluation.coverage), fixed(h.icSummary.mean, 4), fixed(h.rankICSummary.mean, 4),
                    fixed(h.rankICSummary.ir, 3), fixed(h.rankICSummary.tStat, 2), pValue(h.rankICSummary.pValue),
                    bps(h.spreadSummary.mean),
                ] + evaluation.horizons.map { fixed($0.rankICSummary.mean, 4) }
            })
    }
}

/// NaN and infinities as `nil`.
private func value(_ v: Double) -> Double? { v.isFinite ? v : nil }
private func fixed(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "" }
private func percent(_ v: Double) -> String { v.isFinite ? String(format: "%.1f%%", v * 100) : "" }
private func bps(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v * 10_000) : "" }
private func pValue(_ v: Double) -> String {
    guard v.isFinite else { return "" }
    return v < 0.0001 ? "<0.0001" : String(format: "%.4f", v)
}
