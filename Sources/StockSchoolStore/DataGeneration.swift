import StockSchoolCore

/// Kinds of committed data whose change makes cached API responses stale.
public enum DataGeneration: String, Sendable, CaseIterable {
    /// Market data: bumped when a sync run finishes.
    case sync
    /// Factor evaluations (`factor_ic`): bumped when an evaluation stores its ICs.
    case factors
    /// Scores and ranks: bumped after a score refresh commits.
    case scores
    /// Backtest runs: bumped when a run starts, finishes or fails.
    case backtests
}

/// One kind's row of `data_generations`.
public struct DataGenerationState: Sendable, Equatable {
    public var generation: Int64
    public var updatedAt: Timestamp?
    public var failures: Int64
}

extension MarketStore {
    /// Bumps `kind`'s generation. Call it *after* the data commit: a response read before the
    /// bump is cached under the old generation and never read again once the bump lands, so no
    /// replica serves data older than the commit for longer than its poll interval.
    ///
    /// A store created before the API's migration has no `data_generations` table; there is no
    /// cache to invalidate then, so the bump is skipped rather than failing the commit's caller.
    public func bumpGeneration(_ kind: DataGeneration, at time: Timestamp = .now) async throws {
        guard try await tableExists(Schema.dataGenerations.name) else { return }
        try await execute(atomically: [
            SQLStatement(
                "INSERT INTO data_generations (name, generation, updated_at, failures) VALUES (?, 1, ?, 0) ON CONFLICT (name) DO UPDATE SET generation = data_generations.generation + 1, updated_at = excluded.updated_at",
                [.text(kind.rawValue), timestampValue(time)])
        ])
    }

    /// Counts a failed computation of `kind` (`stockschool_factor_calculation_failures_total`).
    public func recordFailure(_ kind: DataGeneration) async throws {
        guard try await tableExists(Schema.dataGenerations.name) else { return }
        try await execute(atomically: [
            SQLStatement(
                "INSERT INTO data_generations (name, generation, updated_at, failures) VALUES (?, 0, NULL, 1) ON CONFLICT (name) DO UPDATE SET failures = data_generations.failures + 1",
                [.text(kind.rawValue)])
        ])
    }

    /// Every kind's state (generation 0, no time, no failures for a kind never bumped).
    public func generations() async throws -> [DataGeneration: DataGenerationState] {
        var result = Dictionary(
            uniqueKeysWithValues: DataGeneration.allCases.map {
                ($0, DataGenerationState(generation: 0, updatedAt: nil, failures: 0))
            })
        let rows = try await query(
            SQLStatement("SELECT name, generation, \(timestampText("updated_at")), failures FROM data_generations"))
        for row in rows where row.count == 4 {
            guard let name = row[0].string, let kind = DataGeneration(rawValue: name) else { continue }
            result[kind] = DataGenerationState(
                generation: row[1].int ?? 0, updatedAt: row[2].string.flatMap { Timestamp(iso8601: $0) },
                failures: row[3].int ?? 0)
        }
        return result
    }
}
