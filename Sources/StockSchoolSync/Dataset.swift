import Foundation

/// A Tushare dataset StockSchool syncs, named as the Tushare API is.
public enum Dataset: String, Sendable, CaseIterable, Codable {
    case stockBasic = "stock_basic"
    case tradeCal = "trade_cal"
    case daily
    case adjFactor = "adj_factor"
    case dailyBasic = "daily_basic"
    case indexDaily = "index_daily"
    /// Index constituents: monthly snapshots, fetched a calendar month per call and index.
    case indexWeight = "index_weight"

    /// The table the dataset lands in (`daily` → `stock_daily`).
    public var table: String {
        switch self {
        case .daily: "stock_daily"
        default: rawValue
        }
    }

    /// Datasets fetched one trade date at a time for the whole market.
    public static let perTradeDate: [Dataset] = [.daily, .adjFactor, .dailyBasic]

    /// Reference data fetched whole on every run.
    public var isReference: Bool { self == .stockBasic || self == .tradeCal }

    /// Parses a comma-separated list (`daily,adj_factor`), accepting table names too.
    public static func parseList(_ text: String) throws(SyncError) -> [Dataset] {
        var result: [Dataset] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !part.isEmpty {
            guard let dataset = Dataset(rawValue: part) ?? allCases.first(where: { $0.table == part }) else {
                throw .unknownDataset(part)
            }
            if !result.contains(dataset) { result.append(dataset) }
        }
        guard !result.isEmpty else { throw .unknownDataset(text) }
        return result
    }
}
