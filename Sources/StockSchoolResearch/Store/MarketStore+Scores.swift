import StockSchoolCore
import StockSchoolStore

extension MarketStore {
    /// Writes a score model's scores and weights for every scored date of `result`, in one
    /// transaction. Re-running the same model on the same data writes the same rows: upserts
    /// keyed by (score_name, trade_date, ts_code), so a repeated daily run changes nothing.
    ///
    /// A stock that had a score on a date in an earlier run but has none now (its data was
    /// corrected) keeps no stale row: the dates written are cleared first.
    @discardableResult
    public func saveScores(
        name: String, weighting: ScoreWeighting, result: ScoreResult, tsCodes: [TSCode], dates: [TradeDate],
        industries: [String?]
    ) async throws -> (dates: Int, rows: Int) {
        var scores: [ScoreRecord] = []
        var weights: [ScoreWeightRecord] = []
        var written: [TradeDate] = []
        let factors = result.factors.count
        for t in 0..<result.dates where result.scored(date: t) {
            written.append(dates[t])
            for (f, factor) in result.factors.enumerated() {
                let i = t * factors + f
                weights.append(
                    ScoreWeightRecord(
                        scoreName: name, tradeDate: dates[t], factor: factor, weight: result.weights[i],
                        icMean: result.icMean[i].isNaN ? nil : result.icMean[i],
                        icStd: result.icStd[i].isNaN ? nil : result.icStd[i], icCount: Int64(result.icCount[i]),
                        method: weighting.rawValue))
            }
            for s in 0..<result.stocks {
                let cell = s * result.dates + t
                guard result.rank[cell] > 0 else { continue }
                scores.append(
                    ScoreRecord(
                        scoreName: name, tradeDate: dates[t], tsCode: tsCodes[s], score: result.score[cell],
                        composite: result.composite[cell], rank: Int64(result.rank[cell]), industry: industries[s],
                        industryRank: result.industryRank[cell] > 0 ? Int64(result.industryRank[cell]) : nil))
            }
        }
        if let first = written.first, let last = written.last {
            // Clearing and writing are two transactions; a crash between them leaves the dates
            // without scores (a re-run restores them), never with a mix of old and new ones.
            try await execute(atomically: [
                SQLStatement(
                    "DELETE FROM scores WHERE score_name = ? AND trade_date BETWEEN ? AND ?",
                    [.text(name), .integer(Int64(first.rawValue)), .integer(Int64(last.rawValue))]),
                SQLStatement(
                    "DELETE FROM score_weights WHERE score_name = ? AND trade_date BETWEEN ? AND ?",
                    [.text(name), .integer(Int64(first.rawValue)), .integer(Int64(last.rawValue))]),
            ])
        }
        try await upsert(scores, together: weights)
        try await bumpGeneration(.scores)
        return (written.count, scores.count)
    }

    /// The latest date a score model has scores for.
    public func latestScoreDate(name: String) async throws -> TradeDate? {
        let rows = try await query(
            SQLStatement("SELECT max(trade_date) FROM scores WHERE score_name = ?", [.text(name)]))
        return rows.first?.first?.int.map { TradeDate(unchecked: Int32($0)) }
    }

    /// One date's ranking, best first: the top `limit` overall, or within `industry`.
    public func ranking(
        name: String, date: TradeDate, industry: String? = nil, limit: Int? = nil
    ) async throws -> [ScoreRecord] {
        var sql = "WHERE score_name = ? AND trade_date = ?"
        var binds: [SQLValue] = [.text(name), .integer(Int64(date.rawValue))]
        if let industry {
            sql += " AND industry = ? ORDER BY industry_rank"
            binds.append(.text(industry))
        } else {
            sql += " ORDER BY rank"
        }
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try await records(ScoreRecord.self, where: sql, binds)
    }

    /// The weights a model used on `date`, in factor order as stored.
    public func scoreWeights(name: String, date: TradeDate) async throws -> [ScoreWeightRecord] {
        try await records(
            ScoreWeightRecord.self, where: "WHERE score_name = ? AND trade_date = ? ORDER BY factor",
            [.text(name), .integer(Int64(date.rawValue))])
    }

    /// A score model's scores over `dates` on `tsCodes` (stock-major, NaN where none), for
    /// backtests of a stored score.
    public func scorePanel(name: String, tsCodes: [TSCode], dates: [TradeDate]) async throws -> [Double] {
        guard let first = dates.first, let last = dates.last else { return [] }
        let rows = try await query(
            SQLStatement(
                "SELECT trade_date, ts_code, score FROM scores WHERE score_name = ? AND trade_date BETWEEN ? AND ?",
                [.text(name), .integer(Int64(first.rawValue)), .integer(Int64(last.rawValue))]))
        let stockIndex = Dictionary(tsCodes.enumerated().map { ($1.description, $0) }, uniquingKeysWith: { a, _ in a })
        let dateIndex = Dictionary(dates.enumerated().map { ($1.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        var out = [Double](repeating: .nan, count: tsCodes.count * dates.count)
        for row in rows {
            guard row.count == 3, let date = row[0].int, let code = row[1].string, let value = row[2].doubleValue,
                let d = dateIndex[Int32(date)], let s = stockIndex[code]
            else { continue }
            out[s * dates.count + d] = value
        }
        return out
    }
}
