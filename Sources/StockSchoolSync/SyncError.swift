import StockSchoolCore

/// Errors of a sync run that a user can act on.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownDataset(String)
    case unknownSource(String)
    case noTradingDays(start: TradeDate, end: TradeDate)

    public var description: String {
        switch self {
        case .unknownDataset(let name):
            "unknown dataset '\(name)'; choose from \(Dataset.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownSource(let name):
            "unknown source '\(name)'; choose from sample (the simulated market)"
        case .noTradingDays(let start, let end):
            "no trading days between \(start) and \(end)"
        }
    }
}
