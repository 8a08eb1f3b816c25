import StockSchoolCore
import StockSchoolResearch
import StockSchoolStore

/// A score model's scores computed and stored (scores, score_weights), with the top of the last
/// scored date's ranking: what `score`, `run-daily`, `demo` and the worker's scores unit report.
public struct SavedScores: Sendable {
    public let job: ScoreJob
    public let run: ScoreJob.Run
    public let written: (dates: Int, rows: Int)
    /// The ten best ranked on the last scored date (empty when nothing could be scored).
    public let top: [ScoreRecord]
    /// Stock names by code, for printing the ranking.
    public let names: [TSCode: String]

    public static func compute(_ job: ScoreJob, store: any MarketStore) async throws -> SavedScores {
        let run = try await job.run(store: store)
        let written = try await store.saveScores(
            name: job.name, weighting: job.weighting, result: run.result, tsCodes: run.tsCodes, dates: run.dates,
            industries: run.industries)
        var top: [ScoreRecord] = []
        if let last = try await store.latestScoreDate(name: job.name), written.dates > 0 {
            top = try await store.ranking(name: job.name, date: last, limit: 10)
        }
        let names = Dictionary(
            try await store.read(StockBasic.self).map { ($0.tsCode, $0.name) }, uniquingKeysWith: { a, _ in a })
        return SavedScores(job: job, run: run, written: written, top: top, names: names)
    }
}
