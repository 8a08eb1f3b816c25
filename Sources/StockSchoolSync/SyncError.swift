import StockSchoolCore

/// Errors of a sync run that a user can act on.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownDataset(String)
    case unknownSource(String)
    case noTradingDays(start: TradeDate, end: TradeDate)
    /// A CSV file that cannot be imported; `line` is nil when the message already names it.
    case invalidCSV(file: String, line: Int?, message: String)

    public var description: String {
        switch self {
        case .unknownDataset(let name):
            "unknown dataset '\(name)'; choose from \(Dataset.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownSource(let name):
            "unknown source '\(name)'; choose from sample (the simulated market), tushare, csv"
        case .noTradingDays(let start, let end):
            "no trading days between \(start) and \(end)"
        case .invalidCSV(let file, let line, let message):
            if let line, line > 0 {
                "\(file) line \(line): \(message); nothing was imported"
            } else {
                "\(file): \(message); nothing was imported"
            }
        }
    }
}
