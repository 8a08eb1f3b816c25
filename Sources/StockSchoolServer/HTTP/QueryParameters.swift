import Foundation
import Hummingbird
import StockSchoolCore

/// A route's query string, checked against the parameters the route declares: an unknown or
/// repeated parameter is a 400 naming it (a typo like `start=` must not silently mean "all
/// dates"), and every typed read names the parameter in its error.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ request: Request, route: APIRoute) throws {
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard route.queryNames.contains(name) else {
                let known = route.parameters.filter { $0.location == .query }.map(\.name)
                throw APIError.invalidParameter(
                    name,
                    known.isEmpty
                        ? "unknown parameter; \(route.path) takes no query parameters"
                        : "unknown parameter; \(route.path) takes \(known.joined(separator: ", "))")
            }
            guard values[name] == nil else { throw APIError.invalidParameter(name, "given more than once") }
            values[name] = String(value)
        }
    }

    /// The raw text, `nil` when absent or empty.
    func string(_ name: String, maxLength: Int = 200) throws -> String? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard text.count <= maxLength else {
            throw APIError.invalidParameter(name, "longer than \(maxLength) characters")
        }
        return text
    }

    func date(_ name: String) throws -> TradeDate? {
        guard let text = try string(name) else { return nil }
        guard let date = try? TradeDate(text) else {
            throw APIError.invalidParameter(name, "'\(text)' is not a date like 20240102 (YYYYMMDD)")
        }
        return date
    }

    func tsCode(_ name: String) throws -> TSCode? {
        guard let text = try string(name) else { return nil }
        return try Self.tsCode(text, parameter: name)
    }

    static func tsCode(_ text: String, parameter name: String) throws -> TSCode {
        guard let code = try? TSCode(text) else {
            throw APIError.invalidParameter(name, "'\(text)' is not a ts_code like 600000.SH")
        }
        return code
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let number = Int(text) else { throw APIError.invalidParameter(name, "'\(text)' is not an integer") }
        guard range.contains(number) else {
            throw APIError.invalidParameter(
                name, "\(number) is out of range; allowed \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    func choice(_ name: String, of allowed: [String]) throws -> String? {
        guard let text = try string(name) else { return nil }
        guard allowed.contains(text) else {
            throw APIError.invalidParameter(name, "'\(text)' is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A comma-separated list, each item checked against `allowed`.
    func list(_ name: String, of allowed: [String]) throws -> [String]? {
        guard let text = try string(name, maxLength: 1000) else { return nil }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for item in items where !allowed.contains(item) {
            throw APIError.invalidParameter(name, "'\(item)' is not one of \(allowed.joined(separator: ", "))")
        }
        return items
    }

    /// `page` and `page_size`, validated (`page_size` at most 1000).
    func page(defaultSize: Int) throws -> Page {
        Page(
            number: try int("page", in: 1...1_000_000) ?? 1,
            size: try int("page_size", in: 1...Page.maximumSize) ?? defaultSize)
    }

    /// `start_date`…`end_date`, each optional, in order, spanning at most `maximumDays`.
    func dateRange(maximumDays: Int) throws -> (start: TradeDate?, end: TradeDate?) {
        let start = try date("start_date")
        let end = try date("end_date")
        if let start, let end {
            guard start <= end else {
                throw APIError.invalidParameter("start_date", "\(start) is after end_date \(end)")
            }
            guard end.daysSinceEpoch - start.daysSinceEpoch <= maximumDays else {
                throw APIError.invalidParameter(
                    "end_date", "the range \(start)–\(end) is longer than the maximum of \(maximumDays) days")
            }
        }
        return (start, end)
    }
}

/// One page of a list: `page` counts from 1.
struct Page: Sendable {
    static let maximumSize = 1000
    var number: Int
    var size: Int
    var offset: Int { (number - 1) * size }
}
