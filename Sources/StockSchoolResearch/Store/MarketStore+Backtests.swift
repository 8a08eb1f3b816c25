import Foundation
import StockSchoolCore
import StockSchoolStore

/// A stored backtest run as `backtest_runs` holds it.
public struct BacktestRunRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var status: String
    public var createdAt: String
    public var finishedAt: String?
    public var start: TradeDate
    public var end: TradeDate
    /// JSON: the signal and `BacktestSettings`.
    public var parameters: String
    /// JSON: `PerformanceMetrics`.
    public var metrics: String?
    /// JSON: `[{"trade_date", "nav", "benchmark"}]`.
    public var nav: String?
    public var message: String?
}

/// One day of a stored run's NAV series.
struct NAVPoint: Encodable {
    let trade_date: String
    let nav: Double
    let benchmark: Double?
}

extension MarketStore {
    /// Records a backtest as running and returns its id (the API answers with it at once).
    public func startBacktestRun(
        name: String, start: TradeDate, end: TradeDate, parameters: String, at time: Timestamp = .now
    ) async throws -> Int64 {
        let rows = try await query(
            SQLStatement(
                "INSERT INTO backtest_runs (name, status, created_at, start_date, end_date, parameters) VALUES (?, 'running', ?, ?, ?, ?) RETURNING id",
                [
                    .text(name), timestampValue(time), .integer(Int64(start.rawValue)), .integer(Int64(end.rawValue)),
                    .text(parameters),
                ]))
        guard let id = rows.first?.first?.int else {
            throw StockSchoolError.storeUnavailable(url: displayURL, reason: "backtest_runs insert returned no id")
        }
        try await bumpGeneration(.backtests)
        return id
    }

    /// Stores a finished run's orders, then its metrics and NAV, and only then marks it
    /// `succeeded`: a run interrupted in between stays `running`, never `succeeded` with orders
    /// missing.
    public func finishBacktestRun(_ id: Int64, result: BacktestResult, at time: Timestamp = .now) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let points = result.dates.indices.map { i in
            NAVPoint(
                trade_date: result.dates[i].description, nav: result.nav[i],
                benchmark: result.benchmarkNAV.flatMap { $0[i].isFinite ? $0[i] : nil })
        }
        let metrics = String(decoding: try encoder.encode(result.metrics), as: UTF8.self)
        let nav = String(decoding: try encoder.encode(points), as: UTF8.self)
        let trades = result.trades.enumerated().map { BacktestTradeRecord(runID: id, seq: Int64($0), $1) }
        try await upsert(trades)
        try await execute(atomically: [
            SQLStatement(
                "UPDATE backtest_runs SET status = 'succeeded', finished_at = ?, metrics = ?, nav = ?, message = NULL WHERE id = ?",
                [timestampValue(time), .text(metrics), .text(nav), .integer(id)])
        ])
        try await bumpGeneration(.backtests)
    }

    /// Marks a run failed with the reason.
    public func failBacktestRun(_ id: Int64, message: String, at time: Timestamp = .now) async throws {
        try await execute(atomically: [
            SQLStatement(
                "UPDATE backtest_runs SET status = 'failed', finished_at = ?, message = ? WHERE id = ?",
                [timestampValue(time), .text(message), .integer(id)])
        ])
        try await bumpGeneration(.backtests)
    }

    /// Stored runs, newest first, or the one with `id`.
    public func backtestRuns(id: Int64? = nil, limit: Int = 100) async throws -> [BacktestRunRecord] {
        var sql =
            "SELECT id, name, status, \(timestampText("created_at")), \(timestampText("finished_at")), start_date, end_date, parameters, metrics, nav, message FROM backtest_runs"
        var binds: [SQLValue] = []
        if let id {
            sql += " WHERE id = ?"
            binds.append(.integer(id))
        }
        sql += " ORDER BY id DESC LIMIT \(max(1, limit))"
        return try await query(SQLStatement(sql, binds)).compactMap { row in
            guard row.count == 11, let id = row[0].int, let name = row[1].string, let status = row[2].string,
                let created = row[3].string, let start = row[5].int, let end = row[6].int,
                let parameters = row[7].string
            else { return nil }
            return BacktestRunRecord(
                id: id, name: name, status: status, createdAt: created, finishedAt: row[4].string,
                start: TradeDate(unchecked: Int32(start)), end: TradeDate(unchecked: Int32(end)),
                parameters: parameters,
                metrics: row[8].string, nav: row[9].string, message: row[10].string)
        }
    }
}
