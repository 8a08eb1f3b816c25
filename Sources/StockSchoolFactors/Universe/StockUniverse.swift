import Foundation
import StockSchoolCore
import StockSchoolStore

/// The stocks research runs on (`--universe`): every stock, a fixed list, or an index's members
/// point in time.
public enum StockUniverse: Sendable, Equatable, CustomStringConvertible {
    /// Every stock with a bar in the range.
    case all
    /// These stocks on every date.
    case codes([TSCode])
    /// The index's constituents as of each date (`index_weight`, see `IndexMembership`).
    case index(TSCode)

    /// Parses `all`, `index:000300.SH`, or ts_codes separated by commas (`600000.SH,000001.SZ`).
    public init(parsing text: String) throws(StockSchoolError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "all" {
            self = .all
            return
        }
        if text.hasPrefix("index:") {
            let code = String(text.dropFirst("index:".count)).trimmingCharacters(in: .whitespaces)
            guard let index = try? TSCode(code) else {
                throw .invalidArgument(
                    name: "--universe \(text)", reason: "'\(code)' is not an index ts_code like 000300.SH")
            }
            self = .index(index)
            return
        }
        var codes: [TSCode] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let code = part.trimmingCharacters(in: .whitespaces)
            guard let parsed = try? TSCode(code) else {
                throw .invalidArgument(
                    name: "--universe",
                    reason: "'\(code)' is not a ts_code like 600000.SH (give all, index:CODE or CODE,CODE,…)")
            }
            codes.append(parsed)
        }
        self = .codes(codes)
    }

    /// The same stocks on every date (no per-date mask).
    public var isFixed: Bool {
        if case .index = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .codes(let codes): codes.map(\.description).joined(separator: ",")
        case .index(let code): "index:\(code)"
        }
    }

    /// What to load for `start…end`: the stocks (`nil` = every stock) and, for an index, the
    /// membership that masks each date to the members of that date. An index loads every stock
    /// that is a member on some day of the range, with its full history, so rolling windows
    /// are warm when it joins.
    public func resolve(
        store: any MarketStore, start: TradeDate, end: TradeDate
    ) async throws -> (tsCodes: [TSCode]?, membership: IndexMembership?) {
        switch self {
        case .all: return (nil, nil)
        case .codes(let codes): return (codes, nil)
        case .index(let code):
            let membership = try await IndexMembership.load(store: store, indexCode: code, start: start, end: end)
            return (membership.stocks(from: start, through: end), membership)
        }
    }
}
