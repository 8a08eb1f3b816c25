import Foundation
import StockSchoolCore
import StockSchoolStore
import StockSchoolSync
import StockSchoolTestSupport
import Testing

@testable import StockSchoolFactors

/// The shipped factor sets on the simulated market, loaded from a real store.
@Suite struct FactorSetsOnTheSampleMarketTests {
    static let configuration = SampleMarketConfiguration(
        stocks: 40, start: TradeDate(unchecked: 2023_01_03), end: TradeDate(unchecked: 2023_09_29), seed: 3)

    @Test func everySetParsesAgainstThePanelFieldsWithUniqueNames() throws {
        let parser = FormulaParser(knownFields: Set(FactorPanelLoader.allFields))
        var names = Set<String>()
        for set in FactorLibrary.sets {
            let factors = try #require(FactorLibrary.factors(in: set.name))
            #expect(!factors.isEmpty)
            for factor in factors {
                _ = try parser.parse(factor.formula)
                if set.name != "alpha158-quick" { #expect(names.insert(factor.name).inserted, "\(factor.name)") }
            }
        }
        #expect(FactorLibrary.factors(in: "nosuch") == nil)
    }

    func compute(_ set: String, on panel: FactorPanel) throws -> [String: [Double]] {
        var graph = FactorGraph()
        for factor in FactorLibrary.factors(in: set) ?? [] {
            graph.add(factor.name, try FormulaParser().parse(factor.formula))
        }
        var out: [String: [Double]] = [:]
        try FactorEvaluator(panel: panel).evaluate(graph) { out[$0] = Array($1) }
        return out
    }

    /// A panel of a few stocks keeps the market's trading days: a day one of them did not trade
    /// is NaN there, as in the whole-market panel, so windows and `Ref` span the same days.
    @Test(arguments: TestBackend.available)
    func aFewStocksKeepTheMarketsDays(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            let (start, end) = (TradeDate(unchecked: 2023_03_01), TradeDate(unchecked: 2023_03_31))
            let configuration = SampleMarketConfiguration(stocks: 6, start: start, end: end, seed: 5)
            try await SyncEngine(source: SampleSource(configuration), store: store).run(
                SyncRequest(start: start, end: end))
            let whole = try await FactorPanelLoader.load(store: store, start: start, end: end, adjustment: .none)
            let code = whole.tsCodes[2]
            let gone = whole.dates[10]
            try await store.execute(atomically: [
                SQLStatement(
                    "DELETE FROM stock_daily WHERE ts_code = ? AND trade_date = ?",
                    [.text(code.description), .integer(Int64(gone.rawValue))])
            ])
            let one = try await FactorPanelLoader.load(
                store: store, start: start, end: end, tsCodes: [code], adjustment: .none)
            #expect(one.dates == whole.dates)
            let close = try #require(one.values("close"))
            let wholeClose = try #require(whole.values("close"))
            #expect(close[10].isNaN)
            #expect(close[11] == wholeClose[2 * whole.dateCount + 11])
            var graph = FactorGraph()
            graph.add("ret", try FormulaParser().parse("$close/Ref($close,1)-1"))
            var ret: [Double] = []
            try FactorEvaluator(panel: one).evaluate(graph) { ret = Array($1) }
            // The day after the missing one has no previous close.
            #expect(ret[11].isNaN)
            #expect(Swift.abs(ret[12] - (close[12] / close[11] - 1)) < 1e-12)
        }
    }

    @Test(arguments: TestBackend.available)
    func alpha158TechnicalAndValueOnAStore(_ backend: TestBackend) async throws {
        try await TestStore.with(backend) { (store: any MarketStore) async throws in
            try await SyncEngine(source: SampleSource(Self.configuration), store: store).run(
                SyncRequest(start: Self.configuration.start, end: Self.configuration.end))
            let panel = try await FactorPanelLoader.load(
                store: store, start: Self.configuration.start, end: Self.configuration.end)
            #expect(panel.stockCount > 30)
            let alpha = try compute("alpha158", on: panel)
            #expect(alpha.count == 158)
            for (name, values) in alpha {
                #expect(!values.contains { $0.isInfinite }, "\(name) has ±inf")
                #expect(values.contains { !$0.isNaN }, "\(name) is all NaN")
            }
            // Hand computations from the panel's own adjusted prices, for one stock on one day.
            let s = panel.stockCount / 2
            let d = panel.dateCount - 1
            let days = panel.dateCount
            let close = try #require(panel.values("close"))
            let open = try #require(panel.values("open"))
            let high = try #require(panel.values("high"))
            let low = try #require(panel.values("low"))
            func at(_ values: [Double], _ k: Int) -> Double { values[s * days + d - k] }
            func check(_ name: String, _ expected: Double) {
                let got = alpha[name]?[s * days + d] ?? .nan
                #expect(
                    Swift.abs(got - expected) <= 1e-9 * Swift.max(1, Swift.abs(expected)),
                    "\(name): \(got) vs \(expected)")
            }
            // Pick a stock trading all of the last 60 days, so windows hold only real values.
            guard (0..<60).allSatisfy({ !at(close, $0).isNaN }) else { return }
            check("KMID", (at(close, 0) - at(open, 0)) / at(open, 0))
            check("KLEN", (at(high, 0) - at(low, 0)) / at(open, 0))
            check("ROC5", at(close, 5) / at(close, 0))
            check("MA10", (0..<10).map { at(close, $0) }.reduce(0, +) / 10 / at(close, 0))
            let five = (0..<5).map { at(close, $0) }
            let mean5 = five.reduce(0, +) / 5
            let std5 = (five.map { ($0 - mean5) * ($0 - mean5) }.reduce(0, +) / 4).squareRoot()
            check("STD5", std5 / at(close, 0))
            check("MAX20", ((0..<20).map { at(high, $0) }.max() ?? .nan) / at(close, 0))
            let low20 = (0..<20).map { at(low, $0) }.min() ?? .nan
            let high20 = (0..<20).map { at(high, $0) }.max() ?? .nan
            check("RSV20", (at(close, 0) - low20) / (high20 - low20 + 1e-12))
            // Days up among the last 10 (close above the previous close).
            check("CNTP10", Double((0..<10).filter { at(close, $0) > at(close, $0 + 1) }.count) / 10)
            // IdxMax over the last 5 highs, 1-based from the oldest.
            let highs5 = (0..<5).reversed().map { at(high, $0) }
            check("IMAX5", Double((highs5.firstIndex(of: highs5.max() ?? .nan) ?? -1) + 1) / 5)

            let technical = try compute("technical", on: panel)
            #expect(technical.count == FactorLibrary.factors(in: "technical")?.count)
            let rsi = try #require(technical["RSI14"])
            #expect(rsi.filter { !$0.isNaN }.allSatisfy { (0...100).contains($0) })
            let sma20 = try #require(technical["SMA20"])[s * days + d]
            let expected20 = (0..<20).map { at(close, $0) }.reduce(0, +) / 20
            #expect(Swift.abs(sma20 - expected20) < 1e-9 * expected20)
            let value = try compute("value", on: panel)
            let pe = try #require(panel.values("pe_ttm"))
            let ep = try #require(value["EP"])
            for i in pe.indices where !pe[i].isNaN { #expect(Swift.abs(ep[i] - 1 / pe[i]) < 1e-12) }
        }
    }
}
