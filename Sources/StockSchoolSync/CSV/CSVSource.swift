import Foundation
import StockSchoolCore

/// Tushare-format CSV files as a `DataSource` (`sync --source csv --path FILE_OR_DIR`).
///
/// Files are named by dataset — `daily.csv` (or `stock_daily.csv`), `adj_factor.csv`,
/// `daily_basic.csv`, `stock_basic.csv`, `trade_cal.csv`, `index_daily.csv`, `index_weight.csv` —
/// with Tushare's field
/// names in the header, in any order. Every file is read and checked before anything is written:
/// one bad cell stops the import with its file, line and column, and the store is untouched.
public struct CSVSource: DataSource {
    public var name: String { "csv" }
    /// Datasets present in the files.
    public let datasets: [Dataset]
    public let firstDate: TradeDate?
    public let lastDate: TradeDate?
    /// The indices in `index_daily.csv` and `index_weight.csv` (the simulated CSI 300 when there
    /// are none), so every index in the files is imported.
    public let indexCodes: [TSCode]
    let stocks: [StockBasic]
    let calendar: [TradeCalDay]
    let bars: [TradeDate: [DailyBar]]
    let factors: [TradeDate: [AdjFactor]]
    let basics: [TradeDate: [DailyBasic]]
    let index: [DailyBar]
    let weights: [IndexWeight]

    static let fileNames: [String: Dataset] = [
        "daily": .daily, "stock_daily": .daily, "adj_factor": .adjFactor, "daily_basic": .dailyBasic,
        "stock_basic": .stockBasic, "trade_cal": .tradeCal, "index_daily": .indexDaily,
        "index_weight": .indexWeight,
    ]

    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SyncError.invalidCSV(file: path, line: 0, message: "no such file or directory")
        }
        var files: [String] = []
        if isDirectory.boolValue {
            files = try FileManager.default.contentsOfDirectory(atPath: path).filter {
                $0.lowercased().hasSuffix(".csv")
            }
            .sorted().map { (path as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else {
                throw SyncError.invalidCSV(file: path, line: 0, message: "no .csv files in the directory")
            }
        } else {
            files = [path]
        }
        var stocks: [StockBasic] = []
        var calendar: [TradeCalDay] = []
        var bars: [DailyBar] = []
        var factors: [AdjFactor] = []
        var basics: [DailyBasic] = []
        var index: [DailyBar] = []
        var weights: [IndexWeight] = []
        var datasets: [Dataset] = []
        for file in files {
            let display = (file as NSString).lastPathComponent
            let stem = ((display as NSString).deletingPathExtension).lowercased()
            guard let dataset = Self.fileNames[stem] else {
                throw SyncError.invalidCSV(
                    file: display, line: 0,
                    message:
                        "unknown file name; name files after their dataset: \(Self.fileNames.keys.sorted().map { "\($0).csv" }.joined(separator: ", "))"
                )
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SyncError.invalidCSV(file: display, line: 0, message: "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw SyncError.invalidCSV(file: display, line: 0, message: "not UTF-8 text; save the file as UTF-8")
            }
            let table = try CSVTable(text: text, file: display).table()
            let origin = TushareTableReader.Origin.csv(file: display, dataset: dataset.rawValue)
            switch dataset {
            case .daily:
                bars += try Self.checked(display) { () throws(TushareError) in try TushareAPI.bars(origin, table) }
            case .indexDaily:
                index += try Self.checked(display) { () throws(TushareError) in try TushareAPI.bars(origin, table) }
            case .indexWeight:
                weights += try Self.checked(display) { () throws(TushareError) in
                    try TushareAPI.indexWeights(table, origin: origin)
                }
            case .adjFactor:
                factors += try Self.checked(display) { () throws(TushareError) in
                    try TushareAPI.adjFactors(table, origin: origin)
                }
            case .dailyBasic:
                basics += try Self.checked(display) { () throws(TushareError) in
                    try TushareAPI.dailyBasics(table, origin: origin)
                }
            case .stockBasic:
                stocks += try Self.checked(display) { () throws(TushareError) in
                    try TushareAPI.stockBasics(table, origin: origin)
                }
            case .tradeCal:
                calendar += try Self.checked(display) { () throws(TushareError) in
                    try TushareAPI.tradeCal(table, origin: origin)
                }
            }
            if !datasets.contains(dataset) { datasets.append(dataset) }
        }
        let dates = Set(
            bars.map(\.tradeDate) + factors.map(\.tradeDate) + basics.map(\.tradeDate) + index.map(\.tradeDate))
        if calendar.isEmpty, !dates.isEmpty {
            // Without trade_cal.csv the days present are the open days.
            let open = dates.sorted()
            calendar = open.enumerated().map { i, day in
                TradeCalDay(exchange: "SSE", calDate: day, isOpen: true, pretradeDate: i > 0 ? open[i - 1] : nil)
            }
            datasets.append(.tradeCal)
        }
        self.datasets = Dataset.allCases.filter { datasets.contains($0) }
        self.firstDate = (calendar.filter(\.isOpen).map(\.calDate) + Array(dates)).min()
        self.lastDate = (calendar.filter(\.isOpen).map(\.calDate) + Array(dates)).max()
        self.stocks = stocks
        self.calendar = calendar
        self.bars = Dictionary(grouping: bars, by: \.tradeDate)
        self.factors = Dictionary(grouping: factors, by: \.tradeDate)
        self.basics = Dictionary(grouping: basics, by: \.tradeDate)
        self.index = index
        self.weights = weights
        let codes = Set(index.map(\.tsCode) + weights.map(\.indexCode)).sorted()
        self.indexCodes = codes.isEmpty ? [SampleMarket.indexCode] : codes
    }

    /// Runs a table decoder, reporting a bad cell as a CSV error (its message already names the
    /// file, line and column).
    static func checked<T>(_ file: String, _ decode: () throws(TushareError) -> T) throws(SyncError) -> T {
        do {
            return try decode()
        } catch {
            switch error {
            case .malformedPayload(_, let reason): throw .invalidCSV(file: file, line: nil, message: reason)
            default: throw .invalidCSV(file: file, line: nil, message: error.description)
            }
        }
    }

    public func stockBasic() async throws -> [StockBasic] { stocks }

    public func tradeCal(start: TradeDate, end: TradeDate) async throws -> [TradeCalDay] {
        calendar.filter { $0.calDate >= start && $0.calDate <= end }
    }

    public func daily(tradeDate: TradeDate) async throws -> [DailyBar] { bars[tradeDate] ?? [] }
    public func adjFactor(tradeDate: TradeDate) async throws -> [AdjFactor] { factors[tradeDate] ?? [] }
    public func dailyBasic(tradeDate: TradeDate) async throws -> [DailyBasic] { basics[tradeDate] ?? [] }

    public func indexDaily(tsCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexDailyBar] {
        index.filter { $0.tsCode == tsCode && $0.tradeDate >= start && $0.tradeDate <= end }.map(IndexDailyBar.init)
    }

    public func indexWeight(indexCode: TSCode, start: TradeDate, end: TradeDate) async throws -> [IndexWeight] {
        weights.filter { $0.indexCode == indexCode && $0.tradeDate >= start && $0.tradeDate <= end }
    }
}
