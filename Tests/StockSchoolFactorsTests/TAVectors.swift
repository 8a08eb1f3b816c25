import Foundation
import Testing

/// The reference series and TA-Lib 0.8.2's outputs on it (`Resources/ta_vectors.csv`): one array
/// per column, an empty cell read as NaN.
struct TAVectors: Sendable {
    var columns: [String: [Double]]

    enum LoadError: Error { case missingResource, unreadable, badCell(String), missingColumn(String) }

    static func load() throws -> TAVectors {
        guard let url = Bundle.module.url(forResource: "ta_vectors", withExtension: "csv") else {
            throw LoadError.missingResource
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { throw LoadError.unreadable }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columns = [String: [Double]]()
        for name in names { columns[name] = [] }
        while let line = lines.next() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == names.count else { throw LoadError.unreadable }
            for (name, cell) in zip(names, cells) {
                if cell.isEmpty {
                    columns[name, default: []].append(.nan)
                } else if let value = Double(cell) {
                    columns[name, default: []].append(value)
                } else {
                    throw LoadError.badCell(String(cell))
                }
            }
        }
        return TAVectors(columns: columns)
    }

    func callAsFunction(_ name: String) throws -> [Double] {
        guard let column = columns[name] else { throw LoadError.missingColumn(name) }
        return column
    }

    var open: [Double] { columns["open"] ?? [] }
    var high: [Double] { columns["high"] ?? [] }
    var low: [Double] { columns["low"] ?? [] }
    var close: [Double] { columns["close"] ?? [] }
    var volume: [Double] { columns["vol"] ?? [] }
}

/// `actual` equals `expected` to 1e-9 relative (1e-12 absolute near zero), with NaN exactly where
/// `expected` is NaN.
func expectClose(
    _ actual: [Double], _ expected: [Double], relative: Double = 1e-9, absolute: Double = 1e-12,
    _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(label): length", sourceLocation: sourceLocation)
    var failures = 0
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let ok: Bool
        if e.isNaN {
            ok = a.isNaN
        } else {
            ok = !a.isNaN && Swift.abs(a - e) <= Swift.max(relative * Swift.abs(e), absolute)
        }
        if !ok {
            failures += 1
            if failures <= 5 {
                Issue.record("\(label)[\(i)]: got \(a), expected \(e)", sourceLocation: sourceLocation)
            }
        }
    }
    #expect(failures == 0, "\(label): \(failures) mismatches", sourceLocation: sourceLocation)
}

/// Bit-identical arrays (NaN matching NaN).
func expectIdentical(
    _ actual: ArraySlice<Double>, _ expected: ArraySlice<Double>, _ label: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(label): length", sourceLocation: sourceLocation)
    let mismatches = zip(actual, expected).enumerated().filter { _, pair in
        !(pair.0 == pair.1 || (pair.0.isNaN && pair.1.isNaN))
    }
    #expect(mismatches.isEmpty, "\(label): first mismatches \(mismatches.prefix(3))", sourceLocation: sourceLocation)
}

/// Index of the first non-NaN value, or `nil`.
func firstValue(_ values: [Double]) -> Int? { values.firstIndex { !$0.isNaN } }
