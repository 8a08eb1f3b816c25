/// Errors a user can cause or fix, each with a message that says what is wrong, where, and what
/// to do about it.
public enum StockSchoolError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidTSCode(String)
    case invalidTradeDate(String)
    case invalidDateRange(start: TradeDate, end: TradeDate)
    /// A configuration value is wrong: `key` names it, `source` says where it came from
    /// (`stockschool.yaml`, `STOCKSCHOOL_PORT`, …).
    case invalidConfiguration(key: String, source: String, reason: String)
    case invalidStoreURL(String, reason: String)
    /// A value cannot be stored: table, column and the row's key say which.
    case invalidValue(table: String, column: String, row: String, reason: String)
    case dateOutsideCalendar(TradeDate)
    case invalidArgument(name: String, reason: String)
    case storeUnavailable(url: String, reason: String)
    case migrationFailed(version: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidTSCode(let text):
            "invalid ts_code '\(text)': expected six digits, a dot and SH, SZ or BJ (e.g. 600000.SH)"
        case .invalidTradeDate(let text):
            "invalid trade_date '\(text)': expected a real calendar date YYYYMMDD between 19900101 and 21991231 (e.g. 20240102)"
        case .invalidDateRange(let start, let end):
            "invalid date range: start \(start) is after end \(end)"
        case .invalidConfiguration(let key, let source, let reason):
            "invalid configuration '\(key)' in \(source): \(reason)"
        case .invalidStoreURL(let url, let reason):
            "invalid store URL '\(url)': \(reason); use sqlite:///path/to/file.sqlite or postgres://user:pass@host:5432/db"
        case .invalidValue(let table, let column, let row, let reason):
            "cannot store \(table).\(column) for \(row): \(reason); nothing was written"
        case .dateOutsideCalendar(let date):
            "\(date) is outside the trading calendar loaded; sync trade_cal for that range first"
        case .invalidArgument(let name, let reason):
            "invalid \(name): \(reason)"
        case .storeUnavailable(let url, let reason):
            "cannot open the store at \(url): \(reason)"
        case .migrationFailed(let version, let reason):
            "migration \(version) failed and was rolled back: \(reason)"
        }
    }
}
