import Foundation
import StockSchoolCore

/// Standard output helpers: aligned tables for people, JSON for programs.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns padded to their widest cell; numeric-looking cells right-aligned. Widths are
    /// terminal columns: Chinese names take two per character.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(cell)))
                let numeric = !cell.isEmpty && cell.allSatisfy { $0.isNumber || $0 == "," || $0 == "." || $0 == "-" }
                return numeric ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { print(line(row)) }
    }

    /// Columns a string takes in a terminal: East Asian wide and full-width characters (CJK,
    /// Hangul, full-width forms) take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width + 2
            default:
                width + 1
            }
        }
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String { n.digitsGrouped }

    /// `1.2 GiB`, `340.5 MiB`, `12 KiB`, `512 B`.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f ", value) + units[unit]
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
