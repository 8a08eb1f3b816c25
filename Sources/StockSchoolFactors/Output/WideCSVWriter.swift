import Foundation
import StockSchoolCore

/// Writes factor values as a wide CSV — `ts_code,trade_date,<one column per factor>`, an empty
/// cell for NaN — while the factors arrive one at a time: each column is spilled to a temporary
/// file as it comes, and the rows are assembled stock by stock at the end, so memory holds one
/// stock's block of every column, never every column whole. Rows where every factor is missing
/// (days a stock did not trade) are left out.
public final class WideCSVWriter {
    let path: String
    let tsCodes: [TSCode]
    let dates: [TradeDate]
    let spill: URL
    private(set) var columns: [String] = []

    public init(path: String, tsCodes: [TSCode], dates: [TradeDate]) throws {
        self.path = path
        self.tsCodes = tsCodes
        self.dates = dates
        self.spill = FileManager.default.temporaryDirectory.appendingPathComponent("ss-factors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spill, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: spill) }

    public func add(_ name: String, _ values: UnsafeBufferPointer<Double>) throws {
        let file = spill.appendingPathComponent("\(columns.count).f64")
        try Data(buffer: values).write(to: file)
        columns.append(name)
    }

    /// Assembles the CSV, its factor columns in `order` (names; the order they were added when
    /// `nil`, and any not named after those named); returns the number of rows written.
    @discardableResult
    public func finish(order: [String]? = nil) throws -> Int {
        let rank = Dictionary((order ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let sequence = columns.indices.sorted {
            (rank[columns[$0]] ?? Int.max, $0) < (rank[columns[$1]] ?? Int.max, $1)
        }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw StockSchoolError.invalidArgument(name: "--out", reason: "cannot create '\(path)'")
        }
        guard let out = FileHandle(forWritingAtPath: path) else {
            throw StockSchoolError.invalidArgument(name: "--out", reason: "cannot write '\(path)'")
        }
        defer { try? out.close() }
        let readers = try sequence.map { k in
            try FileHandle(forReadingFrom: spill.appendingPathComponent("\(k).f64"))
        }
        defer { for reader in readers { try? reader.close() } }
        var text = "ts_code,trade_date," + sequence.map { columns[$0] }.joined(separator: ",") + "\n"
        var rows = 0
        let days = dates.count
        for code in tsCodes {
            let blocks: [[Double]] = try readers.map { reader in
                let data = try reader.read(upToCount: days * 8) ?? Data()
                return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
            }
            for d in 0..<days where blocks.contains(where: { d < $0.count && !$0[d].isNaN }) {
                text += code.description + "," + dates[d].description
                for block in blocks {
                    text += ","
                    if d < block.count, !block[d].isNaN { text += "\(block[d])" }
                }
                text += "\n"
                rows += 1
            }
            if text.utf8.count > 1 << 20 {
                try out.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try out.write(contentsOf: Data(text.utf8))
        return rows
    }
}
